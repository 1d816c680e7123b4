#include "harness.h"

#include <chrono>
#include <cstdio>
#include <exception>

namespace wstest {

std::vector<Case>& registry() {
    static std::vector<Case> cases;
    return cases;
}

int run_all(const std::vector<std::string>& filters) {
    int passed = 0, failed = 0, skipped = 0;
    for (const Case& c : registry()) {
        bool selected = filters.empty();
        for (const auto& f : filters) selected = selected || std::string(c.name).find(f) != std::string::npos;
        if (!selected) continue;
        const auto start = std::chrono::steady_clock::now();
        try {
            c.run();
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
            std::printf("PASS %s (%lld ms)\n", c.name, static_cast<long long>(ms));
            ++passed;
        } catch (const Skipped& e) {
            std::printf("SKIP %s: %s\n", c.name, e.what());
            ++skipped;
        } catch (const CheckFailed& e) {
            std::printf("FAIL %s: %s\n", c.name, e.what());
            ++failed;
        } catch (const std::exception& e) {
            std::printf("FAIL %s: unexpected exception: %s\n", c.name, e.what());
            ++failed;
        }
        std::fflush(stdout);
    }
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed > 0 || passed == 0 ? 1 : 0;
}

}  // namespace wstest
