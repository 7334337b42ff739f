extension CoreMetadata {
    /// Reads a METADATA or PKG-INFO file leniently. Text that is not valid UTF-8 is read as
    /// Latin-1 (every byte is a character there, so nothing is lost) and reported.
    public init(parsing data: [UInt8]) {
        let message = MetadataMessage(data)
        var byOrdinal = [[String]](repeating: [], count: MetadataField.allCases.count)
        var unknown: [UnknownField] = []
        var problems: [MetadataProblem] = []
        var seenUnknown: Set<String> = []
        for header in message.headers {
            let (text, isUTF8) = Self.decode(header.value)
            let ordinal = MetadataField.ordinal(ofHeader: header.name)
            if !isUTF8 {
                problems.append(MetadataProblem(field: Self.lowercased(header.name), message: "is not valid UTF-8; it was read as Latin-1"))
            }
            guard let ordinal else {
                let name = String(decoding: header.name, as: UTF8.self)
                unknown.append(UnknownField(name: name, value: text))
                if seenUnknown.insert(Self.lowercased(header.name)).inserted {
                    problems.append(MetadataProblem(field: Self.lowercased(header.name), message: "is not a core metadata field"))
                }
                continue
            }
            byOrdinal[ordinal].append(text)
        }
        var values: [MetadataField: [String]] = [:]
        for (ordinal, field) in MetadataField.allCases.enumerated() where !byOrdinal[ordinal].isEmpty {
            values[field] = byOrdinal[ordinal]
            if !field.isMultipleUse, byOrdinal[ordinal].count > 1 {
                problems.append(
                    MetadataProblem(field: field.rawValue, message: "appears \(byOrdinal[ordinal].count) times but may appear once; the first is used"))
            }
        }
        var labels: Set<String> = []
        for entry in values[.projectURL] ?? [] where values[.projectURL]!.count > 1 {
            let label = String(PythonText.strip(PythonText.split(entry, on: ",", maxSplits: 1)[0]))
            if !labels.insert(label).inserted {
                problems.append(MetadataProblem(field: "project-url", message: "the label '\(label)' is used more than once"))
            }
        }
        var description = values[.description]?.first
        if !message.body.isEmpty {
            let (body, isUTF8) = Self.decode(message.body)
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
    private static func lowercased(_ name: ArraySlice<UInt8>) -> String {
        String(decoding: name.map(PythonText.lowercasedASCII), as: UTF8.self)
    }

    /// UTF-8 if valid, else Latin-1.
    private static func decode(_ bytes: ArraySlice<UInt8>) -> (String, isUTF8: Bool) {
        let valid = bytes.withUnsafeBufferPointer { buffer -> String? in
            // ASCII (most header values) takes the standard library's copying fast path.
            PythonText.isASCII(buffer) ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
        }
        if let valid { return (valid, true) }
        return (String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), false)
    }
}
