@testable import Replication
import Testing

@Suite("Reading anchors out of PEP 503 pages")
struct HTMLAnchorsTests {
    func read(_ html: String) -> [HTMLAnchor] { HTMLAnchors.read(Array(html.utf8)) }

    @Test("attributes in any case and quoting, entities decoded, tags inside the text dropped")
    func attributes() {
        let anchors = read(
            """
            <A HREF='x.whl#sha256=1' data-yanked data-requires-python="&gt;=3.8,&#x3C;4">x<b>.whl</b></A>
            <a href=y.tar.gz data-dist-info-metadata = "sha256=2" >y &amp; &#65;&#x42;</a >
            """)
        #expect(anchors.count == 2)
        #expect(anchors[0].attributes == ["href": "x.whl#sha256=1", "data-yanked": "", "data-requires-python": ">=3.8,<4"])
        #expect(anchors[0].text == "x.whl")
        #expect(anchors[1].attributes == ["href": "y.tar.gz", "data-dist-info-metadata": "sha256=2"])
        #expect(anchors[1].text == "y & AB")
    }

    @Test("what is not an anchor: <abbr>, <area>, </abbr> inside an anchor's text, unknown entities kept as written")
    func notAnchors() {
        let anchors = read("<abbr>no</abbr><area href=no><a href=1>one</abbr> &bogus; &#xFFFFFFFF;</a><a href=2>two</a>")
        #expect(anchors.map(\.attributes) == [["href": "1"], ["href": "2"]])
        #expect(anchors[0].text == "one &bogus; &#xFFFFFFFF;")
        #expect(anchors[1].text == "two")
    }

    @Test("broken pages end without a crash: an anchor never closed, a quote never closed, a page ending mid-tag")
    func broken() {
        #expect(read("<a href=1>one<a href=2>two").map(\.text) == ["onetwo"], "an anchor never closed takes the rest of the page")
        #expect(read("<a href=\"1>one</a><a href=2>two</a>").isEmpty)
        #expect(read("<a href=1>one</a><a").count == 1)
        #expect(read("<a").isEmpty && read("<").isEmpty && read("").isEmpty && read("</a").isEmpty)
        #expect(read("<a href=1>one</a").map(\.text) == ["one"])
        #expect(read("<a href=1>&#").map(\.text) == ["&#"])
    }

    @Test("an index root's names, trimmed; meta tags by lowercased name, the first one winning")
    func textsAndMeta() {
        let root = Array("<html><body>\n<a href='/simple/flask/'>\n  Flask </a><br/><A href=x>zope.interface</A></body></html>".utf8)
        #expect(HTMLAnchors.texts(root) == ["Flask", "zope.interface"])
        let head = Array(#"<META NAME="pypi:project-status" content="archived"><meta name="PYPI:project-status" content="active"><meta charset=utf-8>"#.utf8)
        #expect(HTMLAnchors.meta(head) == ["pypi:project-status": "archived"])
    }
}
