// Curriculum's values are built from Assessment's question model; users of Curriculum see both.
@_exported import Assessment
