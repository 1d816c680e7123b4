// tests [--filter=TEXT]...: the cases whose names contain any TEXT (all without a filter). The golden vectors are found through WORLDSTREAM_VECTORS (default:
// the repository's tests/vectors, known at build time); the live cases need WORLDSTREAM_SERVER.
#include <cstring>
#include <string>
#include <vector>

#include "harness.h"

int main(int argc, char** argv) {
    std::vector<std::string> filters;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--filter=", 9) == 0) filters.emplace_back(argv[i] + 9);
    }
    return wstest::run_all(filters);
}
