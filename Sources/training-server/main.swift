import TrainingServer
print("training-server \(ProductVersion.current)")
