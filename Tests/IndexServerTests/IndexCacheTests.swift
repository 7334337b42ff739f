import ContentStore
import NIOCore
import Testing

@testable import IndexServer

@Suite("Page cache")
struct IndexCacheTests {
    @Test("pages are rendered once per distribution whatever the Host: each origin gets its own links and ETag, and made-up ones evict nothing")
    func originsShareOneRender() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.add(corpus: "six-1.16.0-py2.py3-none-any.whl")
        let cache = IndexCache(store: fixture.store)
        try await cache.refresh()
        let pages = try #require(try await cache.pages(basePath: "default"))
        let six = try #require(try await pages.projectPages("six", store: fixture.store))
        var etags = Set<String>()
        for index in 0..<20 {
            let origin = "http://host\(index):8080"
            #expect(try await cache.pages(basePath: "default") === pages)
            let page = six.html.page(at: origin)
            let text = String(buffer: page.body)
            #expect(text.contains("href=\"\(origin)/packages/") && !text.contains(PageTemplate.origin))
            etags.insert(page.etag)
        }
        #expect(etags.count == 20, "one ETag per origin")
        #expect(six.html.page(at: "http://host3:8080").etag == six.html.page(at: "http://host3:8080").etag)
        #expect(try await cache.pages(basePath: "elsewhere") == nil)
    }
}
