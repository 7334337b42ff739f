extension Marker {
    /// The variables PEP 508 compares as versions when the other side is a valid specifier.
    private static let versionVariables: Set<String> = [
        "implementation_version", "platform_release", "python_full_version", "python_version",
    ]
    private static let setVariables: Set<String> = ["extras", "dependency_groups"]

    /// Evaluates the marker in `environment`, as `Marker.evaluate` does for metadata:
    /// `extra` is "" unless given, and is compared normalized. Every comparison is evaluated
    /// (no short-circuit), so a missing variable is reported wherever it appears.
    public func evaluate(_ environment: MarkerEnvironment) throws(PackagingError) -> Bool {
        var prepared = environment
        if let extra = prepared.values["extra"] {
            prepared.values["extra"] = extra.isEmpty ? "" : ProjectName.normalize(extra)
        } else if let extras = prepared.sets["extra"] {
            prepared.sets["extra"] = Set(extras.map(ProjectName.normalize))
        } else {
            prepared.values["extra"] = ""
        }
        if let full = prepared.values["python_full_version"], full.hasSuffix("+") {
            prepared.values["python_full_version"] = full + "local"
        }
        return try Self.evaluate(root, in: prepared)
    }

    /// Evaluates for each of `extras` in turn (and for no extra): true if any holds. This is how
    /// a resolver asks whether a `Requires-Dist` applies when the given extras are requested.
    public func evaluate(_ environment: MarkerEnvironment, extras: [String]) throws(PackagingError) -> Bool {
        for extra in [""] + extras {
            var withExtra = environment
            withExtra.values["extra"] = extra
            if try evaluate(withExtra) { return true }
        }
        return false
    }

    private static func evaluate(_ node: Node, in environment: MarkerEnvironment) throws(PackagingError) -> Bool {
        switch node {
        case .comparison(let lhs, let op, let rhs):
            return try compare(lhs, op, rhs, in: environment)
        case .group(let atoms, let operators):
            var anyGroup = false
            var current = try evaluate(atoms[0], in: environment)
            for (op, atom) in zip(operators, atoms.dropFirst()) {
                let value = try evaluate(atom, in: environment)
                if op == .or {
                    anyGroup = anyGroup || current
                    current = value
                } else {
                    current = current && value
                }
            }
            return anyGroup || current
        }
    }

    private enum Resolved {
        case string(String)
        case set(Set<String>)
    }

    private static func lookup(_ key: String, in environment: MarkerEnvironment) throws(PackagingError) -> Resolved {
        if let value = environment.values[key] { return .string(value) }
        if let set = environment.sets[key] { return .set(set) }
        throw PackagingError(
            .undefinedEnvironmentName, "The marker variable '\(key)' is not defined in the environment", input: key)
    }

    private static func text(_ operand: Operand) -> String {
        switch operand {
        case .variable(let name): name
        case .value(let value): value
        }
    }

    private static func compare(_ lhs: Operand, _ op: String, _ rhs: Operand, in environment: MarkerEnvironment)
        throws(PackagingError) -> Bool
    {
        let key: String
        let left: Resolved
        let right: Resolved
        if case .variable(let name) = lhs {
            key = name
            left = try lookup(name, in: environment)
            right = .string(text(rhs))
        } else {
            key = text(rhs)
            left = .string(text(lhs))
            right = try lookup(key, in: environment)
            if key == "extra", case .set(let extras) = right { return try compareExtraSet(extras, op, text(lhs)) }
        }
        guard case .string(let leftValue) = left else {
            if key == "extra", case .set(let extras) = left { return try compareExtraSet(extras, op, text(rhs)) }
            throw PackagingError(
                .undefinedComparison,
                "The set-valued marker '\(key)' can only be used as '\"<name>\" in \(key)', not on the left of '\(op)'")
        }
        switch right {
        case .string(let rightValue):
            if setVariables.contains(key) {
                throw PackagingError(.undefinedComparison, "The marker '\(key)' must be a set, not '\(rightValue)'")
            }
            return try apply(op, leftValue, .string(rightValue), key: key)
        case .set(let values):
            if key == "extra" {
                throw PackagingError(.undefinedComparison, "The marker 'extra' must be a string")
            }
            if setVariables.contains(key) {
                return try apply(op, ProjectName.normalize(leftValue), .set(Set(values.map(ProjectName.normalize))), key: key)
            }
            return try apply(op, leftValue, .set(values), key: key)
        }
    }

    private static func compareExtraSet(_ extras: Set<String>, _ op: String, _ literal: String) throws(PackagingError) -> Bool {
        let effective = extras.isEmpty ? [""] : extras
        switch op {
        case "==": return effective.contains(literal)
        case "!=": return !effective.contains(literal)
        default: throw PackagingError(.undefinedComparison, "Undefined '\(op)' between the extras and '\(literal)'")
        }
    }

    private static func apply(_ op: String, _ lhs: String, _ rhs: Resolved, key: String) throws(PackagingError) -> Bool {
        if versionVariables.contains(key), case .string(let rightText) = rhs,
            let specifier = try? Specifier(parsing: op + rightText)
        {
            return specifier.contains(lhs, prereleases: true)
        }
        switch (op, rhs) {
        case ("in", .string(let text)): return ScalarText.contains(text, lhs)
        case ("not in", .string(let text)): return !ScalarText.contains(text, lhs)
        case ("in", .set(let values)): return values.contains(lhs)
        case ("not in", .set(let values)): return !values.contains(lhs)
        case ("<", _), (">", _): return false
        case ("<=", .string(let text)), ("==", .string(let text)), (">=", .string(let text)):
            return ScalarText.equal(lhs, text)
        case ("!=", .string(let text)): return !ScalarText.equal(lhs, text)
        case ("<=", .set), ("==", .set), (">=", .set): return false
        case ("!=", .set): return true
        default:
            throw PackagingError(.undefinedComparison, "Undefined '\(op)' between '\(lhs)' and the value of '\(key)'")
        }
    }
}

/// String comparisons by code point, as Python compares `str` (Swift's `==` would also equate
/// canonically equivalent spellings).
enum ScalarText {
    static func equal(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let hay = Array(haystack.unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        guard !pattern.isEmpty else { return true }
        guard pattern.count <= hay.count else { return false }
        for start in 0...(hay.count - pattern.count) where hay[start] == pattern[0] {
            if hay[start..<start + pattern.count].elementsEqual(pattern) { return true }
        }
        return false
    }
}
