import ArgumentParser
import Foundation
import Logging
import TrainingServer

LoggingSystem.bootstrap { label in
    var handler = LineLogHandler(label: label)
    handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return handler
}
TrainingServerCommand.main()
