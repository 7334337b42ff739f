extension CoreMetadata {
    /// Reads a METADATA or PKG-INFO file leniently. Text that is not valid UTF-8 is read as
    /// Latin-1 (every byte is a character there, so nothing is lost) and reported.
    public init(parsing data: [UInt8]) {
        self = data.withUnsafeBufferPointer { Self(parsing: $0) }
    }

    private init(parsing data: UnsafeBufferPointer<UInt8>) {
        let message = MetadataMessage(data)
        var byOrdinal = [[String]](repeating: [], count: MetadataField.ordered.count)
        var unknown: [UnknownField] = []
        var problems: [MetadataProblem] = []
        var seenUnknown: Set<String> = []
        for header in message.headers {
            let name = UnsafeBufferPointer(rebasing: data[header.name])
            let (text, isUTF8) = Self.decode(UnsafeBufferPointer(rebasing: data[header.value]))
            let ordinal = MetadataField.ordinal(ofHeader: name)
            if !isUTF8 {
                problems.append(MetadataProblem(field: Self.lowercased(name), message: "is not valid UTF-8; it was read as Latin-1"))
            }
            guard let ordinal else {
                unknown.append(UnknownField(name: String(decoding: name, as: UTF8.self), value: text))
                if seenUnknown.insert(Self.lowercased(name)).inserted {
                    problems.append(MetadataProblem(field: Self.lowercased(name), message: "is not a core metadata field"))
                }
                continue
            }
            byOrdinal[ordinal].append(text)
        }
        var values: [MetadataField: [String]] = Dictionary(minimumCapacity: byOrdinal.count { !$0.isEmpty })
        for (ordinal, field) in MetadataField.ordered.enumerated() where !byOrdinal[ordinal].isEmpty {
            values[field] = byOrdinal[ordinal]
            if !field.isMultipleUse, byOrdinal[ordinal].count > 1 {
                problems.append(
                    MetadataProblem(field: field.rawValue, message: "appears \(byOrdinal[ordinal].count) times but may appear once; the first is used"))
            }
        }
        var labels: Set<String> = []
        let urls = byOrdinal[MetadataField.projectURL.ordinal]
        for entry in urls where urls.count > 1 {
            let label = String(PythonText.strip(PythonText.split(entry, on: ",", maxSplits: 1)[0]))
            if !labels.insert(label).inserted {
                problems.append(MetadataProblem(field: "project-url", message: "the label '\(label)' is used more than once"))
            }
        }
        var description = byOrdinal[MetadataField.description.ordinal].first
        if !message.body.isEmpty || message.bodyPrefix != nil {
            let (body, isUTF8) =
                if let prefix = message.bodyPrefix {
                    (Array(data[prefix]) + data[message.body]).withUnsafeBufferPointer(Self.decode)
                } else {
                    Self.decode(UnsafeBufferPointer(rebasing: data[message.body]))
                }
            if !isUTF8 {
                problems.append(MetadataProblem(field: "description", message: "the body is not valid UTF-8; it was read as Latin-1"))
            }
            if !body.isEmpty {
                if description != nil {
                    problems.append(
                        MetadataProblem(field: "description", message: "is given both as a header and as the body; the body is used"))
                }
                description = body
            }
        }
        self.values = values
        self.longDescription = description
        self.unknownFields = unknown
        self.problems = problems
    }

    /// Header names are ASCII (anything else starts the body), so ASCII lowercasing suffices.
    private static func lowercased(_ name: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: name.map(PythonText.lowercasedASCII), as: UTF8.self)
    }

    /// UTF-8 if valid, else Latin-1.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, isUTF8: Bool) {
        if let valid = PythonText.utf8String(bytes) { return (valid, true) }
        return (String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), false)
    }
}
