extension SimpleRootPage {
    /// PEP 503 HTML: one link per project, to its normalized name.
    public func html() -> [UInt8] {
        var out = HTMLWriter.header(title: "Simple Index")
        for project in projects {
            out.append("    <a href=\"\(HTMLWriter.escape(project.normalized))/\">\(HTMLWriter.escape(project.name))</a><br />\n")
        }
        out.append("  </body>\n</html>\n")
        return Array(out.utf8)
    }

    /// PEP 691 JSON, with each project's `_last-serial` as PyPI adds it.
    public func json() -> [UInt8] {
        JSONValue.object([
            ("meta", .object([("api-version", .string(SimpleIndex.apiVersion)), ("_last-serial", .integer(lastSerial))])),
            ("projects", .array(projects.map { .object([("name", .string($0.name)), ("_last-serial", .integer($0.lastSerial))]) })),
        ]).renderedBytes
    }
}

extension SimpleProjectPage {
    /// PEP 503 HTML with the PEP 658/714, 592, 503 and 740 `data-` attributes and the PEP 792
    /// status `meta` tags.
    public func html() -> [UInt8] {
        var status = [("pypi:project-status", self.status.rawValue)]
        if let statusReason { status.append(("pypi:project-status-reason", statusReason)) }
        var out = HTMLWriter.header(title: "Links for \(HTMLWriter.escape(name))", meta: status)
        out.append("    <h1>Links for \(HTMLWriter.escape(name))</h1>\n")
        for file in files {
            out.append("    <a href=\"\(HTMLWriter.escape(file.url))#sha256=\(file.sha256.hex)\"")
            if let requiresPython = file.requiresPython {
                out.append(" data-requires-python=\"\(HTMLWriter.escape(requiresPython))\"")
            }
            if let metadata = file.coreMetadataSHA256 {
                out.append(" data-dist-info-metadata=\"sha256=\(metadata.hex)\" data-core-metadata=\"sha256=\(metadata.hex)\"")
            }
            if case .yanked(let reason) = file.yanked {
                out.append(" data-yanked=\"\(HTMLWriter.escape(reason ?? ""))\"")
            }
            if let provenance = file.provenanceURL {
                out.append(" data-provenance=\"\(HTMLWriter.escape(provenance))\"")
            }
            out.append(">\(HTMLWriter.escape(file.filename))</a><br />\n")
        }
        out.append("  </body>\n</html>\n")
        return Array(out.utf8)
    }

    /// PEP 691 JSON with PEP 700's `versions`, `size` and `upload-time`, PEP 740's
    /// `provenance` and PEP 792's `project-status`. Core metadata is given
    /// under both PEP 714's `core-metadata` and the `data-dist-info-metadata` key older clients read.
    public func json() -> [UInt8] {
        let files: [JSONValue] = files.map { file in
            var members: [(String, JSONValue)] = [
                ("filename", .string(file.filename)),
                ("url", .string(file.url)),
                ("hashes", .object([("sha256", .string(file.sha256.hex))])),
            ]
            if let requiresPython = file.requiresPython { members.append(("requires-python", .string(requiresPython))) }
            let metadata: JSONValue = file.coreMetadataSHA256.map { .object([("sha256", .string($0.hex))]) } ?? .bool(false)
            members.append(("core-metadata", metadata))
            members.append(("data-dist-info-metadata", metadata))
            switch file.yanked {
            case .notYanked: members.append(("yanked", false))
            case .yanked(let reason?) where !reason.isEmpty: members.append(("yanked", .string(reason)))
            case .yanked: members.append(("yanked", true))
            }
            members.append(("size", .integer(file.size)))
            if let uploadTime = file.uploadTime { members.append(("upload-time", .string(uploadTime))) }
            if let provenance = file.provenanceURL { members.append(("provenance", .string(provenance))) }
            return .object(members)
        }
        return JSONValue.object([
            ("meta", .object([("api-version", .string(SimpleIndex.apiVersion)), ("_last-serial", .integer(lastSerial))])),
            // PEP 691: the project page names the project in its normalized form.
            ("name", .string(ProjectName.normalize(name))),
            ("files", .array(files)),
            ("versions", .array(versions.map(JSONValue.string))),
            ("project-status", .object([("status", .string(status.rawValue))] + (statusReason.map { [("reason", .string($0))] } ?? []))),
        ]).renderedBytes
    }
}

/// HTML text with the escaping attribute values and text need.
enum HTMLWriter {
    /// The page up to `<body>`, with `meta` tags (name, content) after the API version's.
    static func header(title: String, meta: [(String, String)] = []) -> String {
        var head = "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"\(SimpleIndex.apiVersion)\">\n"
        for (name, content) in meta {
            head += "    <meta name=\"\(name)\" content=\"\(escape(content))\">\n"
        }
        return head + "    <title>\(title)</title>\n  </head>\n  <body>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#x27;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
