extension CoreMetadata {
    /// Reads a METADATA or PKG-INFO file strictly, as an upload must be checked: every problem
    /// is collected and, if there are any, thrown together in field order.
    ///
    /// Unlike `packaging`, a field newer than the declared Metadata-Version is accepted (PyPI
    /// accepted such files, e.g. License-Expression under 2.3), and headers no version defines
    /// are kept rather than refused (a newer metadata version may add them).
    public static func validated(_ data: [UInt8]) throws(PackagingError) -> CoreMetadata {
        let metadata = CoreMetadata(parsing: data)
        let problems = metadata.problems.filter { $0.message != "is not a core metadata field" }
            + metadata.validationProblems()
        guard problems.isEmpty else {
            let list = problems.map { "  - \($0)" }.joined(separator: "\n")
            throw PackagingError(.invalidMetadata, "Invalid metadata:\n\(list)", problems: problems)
        }
        return metadata
    }

    /// The semantic problems of the values, in field order (required fields first).
    public func validationProblems() -> [MetadataProblem] {
        var problems: [MetadataProblem] = []
        func problem(_ field: MetadataField, _ message: String) {
            problems.append(MetadataProblem(field: field.rawValue, message: message))
        }
        if let metadataVersion {
            if !MetadataField.knownVersions.contains(metadataVersion) {
                problem(.metadataVersion, "'\(metadataVersion)' is not a valid metadata version")
            }
        } else {
            problem(.metadataVersion, "is a required field")
        }
        if let name, !name.isEmpty {
            if !ProjectName.isValid(name) { problem(.name, "'\(name)' is not a valid project name") }
        } else {
            problem(.name, "is a required field")
        }
        if let version, !version.isEmpty {
            if Version(version) == nil { problem(.version, "'\(version)' is not a valid PEP 440 version") }
        } else {
            problem(.version, "is a required field")
        }
        if let summary, summary.unicodeScalars.contains(where: Self.isLineBoundary) {
            problem(.summary, "must be a single line")
        }
        if let contentType = string(.descriptionContentType), let why = Self.contentTypeProblem(contentType) {
            problem(.descriptionContentType, why)
        }
        for field in list(.dynamic) {
            let lowered = field.lowercased()
            if ["name", "version", "metadata-version"].contains(lowered) {
                problem(.dynamic, "'\(lowered)' is not allowed as a dynamic field")
            } else if MetadataField(rawValue: lowered) == nil {
                problem(.dynamic, "'\(lowered)' is not a valid dynamic field")
            }
        }
        for extra in list(.providesExtra) where !ProjectName.isValid(extra) {
            problem(.providesExtra, "'\(extra)' is not a valid extra name")
        }
        for requirement in requiresDist {
            do throws(PackagingError) {
                _ = try Requirement(parsing: requirement)
            } catch {
                problem(.requiresDist, "'\(requirement)' is not a valid requirement: \(error.message)")
            }
        }
        if let requiresPython, (try? SpecifierSet(parsing: requiresPython)) == nil {
            problem(.requiresPython, "'\(requiresPython)' is not a valid version specifier")
        }
        if let expression = string(.licenseExpression), !LicenseExpression.isWellFormed(expression) {
            problem(.licenseExpression, "'\(expression)' is not a valid SPDX license expression")
        }
        for path in list(.licenseFile) {
            if let why = Self.licenseFileProblem(path) { problem(.licenseFile, "'\(path)' \(why)") }
        }
        return problems
    }

    /// `packaging`'s line boundaries, which a one-line field must not contain.
    static func isLineBoundary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func contentTypeProblem(_ value: String) -> String? {
        let parts = PythonText.split(value, on: ";").map { PythonText.strip($0) }
        let mediaType = parts[0].lowercased()
        guard ["text/plain", "text/x-rst", "text/markdown"].contains(mediaType) else {
            return "must be one of text/plain, text/x-rst, text/markdown, not '\(value)'"
        }
        var parameters: [String: String] = [:]
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            let pair = PythonText.split(parameter, on: "=", maxSplits: 1)
            guard pair.count == 2 else { return "'\(value)' is not a valid content type" }
            let key = PythonText.strip(pair[0]).lowercased()
            var content = String(PythonText.strip(pair[1]))
            if content.hasPrefix("\""), content.hasSuffix("\""), content.count >= 2 {
                content = String(content.dropFirst().dropLast())
            }
            parameters[key] = content
        }
        if let charset = parameters["charset"], charset.lowercased() != "utf-8" {
            return "can only specify the UTF-8 charset, not '\(charset)'"
        }
        if mediaType == "text/markdown", let variant = parameters["variant"], !["GFM", "CommonMark"].contains(variant) {
            return "valid Markdown variants are GFM and CommonMark, not '\(variant)'"
        }
        return nil
    }

    private static func licenseFileProblem(_ path: String) -> String? {
        if ScalarText.contains(path, "..") { return "must not contain parent directory indicators" }
        if path.contains("*") { return "must be a resolved path, not a pattern" }
        if path.hasPrefix("/") || path.hasPrefix("\\") || (path.count >= 2 && path.dropFirst().first == ":") {
            return "must be a relative path"
        }
        if path.contains("\\") { return "must use '/' as the delimiter" }
        return nil
    }
}
