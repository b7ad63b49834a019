#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads DHIS2's data integrity check definitions (`data-integrity-checks/**/*.yaml`, reference §5.1).
///
/// Only the subset of YAML those files use: one mapping per file, plain or quoted scalars, and `>`/`|`
/// block scalars (with `-` chomping). Every document's keys may be indented, as some of the files are.
/// The SQL is skipped: the simulator computes its own results.
enum IntegrityCheckYAML {
    struct ParseError: Error, CustomStringConvertible {
        var file: String
        var problem: String
        var description: String { "\(file): \(problem)" }
    }

    /// Every check defined under `directory`, ordered by section, then section order, then name.
    static func load(directory: String) throws -> [IntegrityCheck] {
        let paths: [String]
        do {
            paths = try FileManager.default.subpathsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
        } catch {
            throw ParseError(file: directory, problem: "cannot list the directory: \(error)")
        }
        var checks: [IntegrityCheck] = []
        for path in paths {
            let full = directory + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else {
                throw ParseError(file: full, problem: "cannot read the file")
            }
            let fields = parse(String(decoding: data, as: UTF8.self))
            // An index or a file of another kind: not a check.
            guard fields["name"] != nil, fields["section"] != nil else { continue }
            checks.append(try check(fields, file: full))
        }
        return checks.sorted { ($0.section, $0.sectionOrder, $0.name) < ($1.section, $1.sectionOrder, $1.name) }
    }

    static func check(_ fields: [String: String], file: String) throws -> IntegrityCheck {
        func required(_ key: String) throws -> String {
            guard let value = fields[key], !value.isEmpty else {
                throw ParseError(file: file, problem: "no `\(key)`")
            }
            return value
        }
        return IntegrityCheck(
            name: try required("name"),
            section: try required("section"),
            sectionOrder: fields["section_order"].flatMap { Int($0) } ?? 0,
            severity: (fields["severity"] ?? "WARNING").uppercased(),
            description: try required("description"),
            introduction: fields["introduction"],
            recommendation: fields["recommendation"],
            issuesIdType: fields["details_id_type"],
            isSlow: fields["is_slow"]?.lowercased() == "true"
        )
    }

    /// The top-level scalar fields of a one-mapping YAML document.
    static func parse(_ text: String) -> [String: String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        func isBlank(_ line: Substring) -> Bool { line.allSatisfy { $0 == " " } }
        func isComment(_ line: Substring) -> Bool { line.drop { $0 == " " }.hasPrefix("#") }

        // The mapping's indentation is that of its first key.
        var keyIndent: Int?
        var fields: [String: String] = [:]
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if isBlank(line) || isComment(line) || line.hasPrefix("---") { continue }
            let indent = indentation(line)
            if keyIndent == nil { keyIndent = indent }
            guard indent == keyIndent, let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[line.index(line.startIndex, offsetBy: indent)..<colon])
            let rest = line[line.index(after: colon)...].trimmingSpaces
            // Continuation lines: everything more indented than the key.
            var block: [Substring] = []
            while index < lines.count, isBlank(lines[index]) || indentation(lines[index]) > indent {
                block.append(lines[index])
                index += 1
            }
            if let style = rest.first, style == ">" || style == "|" {
                fields[key] = blockScalar(block, folded: style == ">", keep: !rest.contains("-"))
            } else {
                let continued = block.filter { !isBlank($0) }.map(\.trimmingSpaces)
                fields[key] = unquote(([rest] + continued).joined(separator: " "))
            }
        }
        return fields
    }

    /// A `>` (folded: lines joined by spaces, blank lines kept as breaks) or `|` (literal) block.
    private static func blockScalar(_ lines: [Substring], folded: Bool, keep: Bool) -> String {
        let indent = lines.filter { !$0.allSatisfy { $0 == " " } }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        let content = lines.map { $0.count >= indent ? String($0.dropFirst(indent)) : "" }
        var text = ""
        for (position, line) in content.enumerated() {
            if position > 0 {
                let previous = content[position - 1]
                text += folded && !line.isEmpty && !previous.isEmpty && !line.hasPrefix(" ") ? " " : "\n"
            }
            text += line
        }
        while text.hasSuffix("\n") { text.removeLast() }
        return keep ? text + "\n" : text
    }

    private static func unquote(_ text: String) -> String {
        for quote in ["\"", "'"] where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
