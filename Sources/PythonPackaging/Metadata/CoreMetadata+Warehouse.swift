extension CoreMetadata {
    /// The metadata as the members of the Warehouse JSON API's `info` object, in Warehouse's
    /// key names (`requires_dist`, `project_urls`, …), with the fields Warehouse does not list
    /// (`requires_external`, `provides_dist`, …) after them. Absent fields are null.
    public var warehouseInfoMembers: [(String, JSONValue)] {
        var urls: [(String, JSONValue)] = []
        var labels = Set<String>()
        for (label, url) in projectURLs where labels.insert(label).inserted { urls.append((label, .string(url))) }
        return [
            ("metadata_version", .optional(metadataVersion)),
            ("name", .optional(name)),
            ("version", .optional(version)),
            ("summary", .optional(summary)),
            ("description", .optional(longDescription)),
            ("description_content_type", .optional(string(.descriptionContentType))),
            ("keywords", .optional(string(.keywords))),
            ("home_page", .optional(string(.homePage))),
            ("download_url", .optional(string(.downloadURL))),
            ("author", .optional(string(.author))),
            ("author_email", .optional(string(.authorEmail))),
            ("maintainer", .optional(string(.maintainer))),
            ("maintainer_email", .optional(string(.maintainerEmail))),
            ("license", .optional(string(.license))),
            ("license_expression", .optional(string(.licenseExpression))),
            ("license_files", .listOrNull(list(.licenseFile))),
            ("classifiers", .array(list(.classifier).map(JSONValue.string))),
            ("platform", list(.platform).isEmpty ? .null : .string(list(.platform).joined(separator: ", "))),
            ("requires_python", .optional(requiresPython)),
            ("requires_dist", .listOrNull(requiresDist)),
            ("provides_extra", .listOrNull(list(.providesExtra))),
            ("project_urls", urls.isEmpty ? .null : .object(urls)),
            ("dynamic", .listOrNull(list(.dynamic))),
            ("supported_platforms", .listOrNull(list(.supportedPlatform))),
            ("requires_external", .listOrNull(list(.requiresExternal))),
            ("provides_dist", .listOrNull(list(.providesDist))),
            ("obsoletes_dist", .listOrNull(list(.obsoletesDist))),
            ("requires", .listOrNull(list(.requires))),
            ("provides", .listOrNull(list(.provides))),
            ("obsoletes", .listOrNull(list(.obsoletes))),
            ("import_names", .listOrNull(list(.importName))),
            ("import_namespaces", .listOrNull(list(.importNamespace))),
        ]
    }
}
