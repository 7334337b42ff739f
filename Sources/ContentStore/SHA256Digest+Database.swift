public import GRDB
public import PythonPackaging

/// Digests are stored as their hex text; a column that holds anything else reads as nil (the
/// schema's CHECK constraints keep such values out).
extension SHA256Digest: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { hex.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> SHA256Digest? {
        String.fromDatabaseValue(dbValue).flatMap { SHA256Digest(hex: $0) }
    }
}
