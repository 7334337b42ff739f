@testable import ManagementAPI
import Testing

@Suite("Filters and references")
struct FilterTests {
    @Test("pulp_label_select: =, !=, ~, present and absent, all must hold")
    func labels() throws {
        let labels = ["tier": "gold", "site": "eu-west"]
        #expect(try LabelSelector("tier=gold").matches(labels))
        #expect(try LabelSelector("tier=gold,site~west").matches(labels))
        #expect(!(try LabelSelector("tier=gold,site!=eu-west").matches(labels)))
        #expect(try LabelSelector("tier,!owner").matches(labels))
        #expect(!(try LabelSelector("owner").matches(labels)))
        #expect(throws: APIFailure.self) { try LabelSelector("bad*key=x") }
    }

    @Test("q: quoted terms joined by AND, NOT; anything else is refused")
    func expression() throws {
        let terms = try ListFilter.expression(#"pulp_label_select="replicate=yes" AND NOT name='old'"#)
        #expect(terms.map(\.key) == ["pulp_label_select", "name"])
        #expect(terms.map(\.negated) == [false, true])
        #expect(terms.map(\.value) == ["replicate=yes", "old"])
        #expect(throws: APIFailure.self) { try ListFilter.expression(#"name="a" OR name="b""#) }
        #expect(throws: APIFailure.self) { try ListFilter.expression(#"name=a"#) }
        #expect(throws: APIFailure.self) { try ListFilter.expression(#"name="a"#) }
        let filter = try ListFilter([("q", #"name__startswith="te" AND NOT pulp_label_select="old""#)])
        #expect(filter.matches(.init(name: "team", labels: [:], created: 0)))
        #expect(!filter.matches(.init(name: "team", labels: ["old": "1"], created: 0)))
        #expect(!filter.matches(.init(name: "other", labels: [:], created: 0)))
    }

    @Test("hrefs and PRNs name objects of one kind; anything else names nothing")
    func hrefs() {
        let uuid = "0f0e0d0c-0b0a-4909-8807-060504030201"
        #expect(Href.uuid("/pulp/api/v3/repositories/python/python/\(uuid)/", of: .repository) == uuid)
        #expect(Href.uuid("prn:python.pythonrepository:\(uuid)", of: .repository) == uuid)
        #expect(Href.uuid("/pulp/api/v3/remotes/python/python/\(uuid)/", of: .repository) == nil)
        #expect(Href.uuid("/pulp/api/v3/repositories/python/python/\(uuid)", of: .repository) == nil)
        #expect(Href.uuid("/pulp/api/v3/repositories/python/python/../\(uuid)/", of: .repository) == nil)
        #expect(Href.uuid("/pulp/api/v3/repositories/python/python/\(uuid.uppercased())/", of: .repository) == nil)
        #expect(Href.version("/pulp/api/v3/repositories/python/python/\(uuid)/versions/12/")! == (uuid, 12))
        #expect(Href.version("/pulp/api/v3/repositories/python/python/\(uuid)/versions/-1/") == nil)
        #expect(Href.version("/pulp/api/v3/repositories/python/python/\(uuid)/versions/99999999999999999999/") == nil)
    }
}
