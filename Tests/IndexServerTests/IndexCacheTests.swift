import ContentStore
import Testing

@testable import IndexServer

@Suite("Page cache")
struct IndexCacheTests {
    @Test("pages are kept for a few origins; made-up Host headers get pages rendered for them alone")
    func originsAreCapped() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.add(corpus: "six-1.16.0-py2.py3-none-any.whl")
        let cache = IndexCache(store: fixture.store)
        try await cache.refresh()
        for index in 0..<20 {
            let origin = "http://host\(index):8080"
            let pages = try #require(try await cache.pages(basePath: "default", origin: origin))
            let six = try #require(try await pages.projectPages("six", store: fixture.store))
            #expect(String(buffer: six.html.body).contains("href=\"\(origin)/packages/"))
        }
        #expect(cache.cachedOrigins(basePath: "default") == IndexCache.originsPerDistribution)
        let first = try await cache.pages(basePath: "default", origin: "http://host0:8080")
        #expect(first === (try await cache.pages(basePath: "default", origin: "http://host0:8080")))
        let late = try await cache.pages(basePath: "default", origin: "http://host19:8080")
        #expect(late !== (try await cache.pages(basePath: "default", origin: "http://host19:8080")))
        #expect(try await cache.pages(basePath: "elsewhere", origin: "http://host0:8080") == nil)
    }
}
