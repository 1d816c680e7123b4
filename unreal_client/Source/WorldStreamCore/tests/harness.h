// A small test runner: cases register under sentence-like names and run in one process, which
// prints "PASS name (ms)", "FAIL name: why" or "SKIP name: why" per case and a last line
// "N passed, N failed, N skipped" that tests/test_unreal_core.py reads. Written here rather
// than taken from GoogleTest so that the tests need nothing beyond what the core itself needs
// (the Debian gRPC packages); the checks throw, which only test code does.
#pragma once

#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace wstest {

struct CheckFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct Skipped : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Case {
    const char* name;
    void (*run)();
};

std::vector<Case>& registry();

struct Register {
    Register(const char* name, void (*run)()) { registry().push_back({name, run}); }
};

// Runs the registered cases whose names contain any of `filters` (none: all); returns the exit
// code.
int run_all(const std::vector<std::string>& filters);

[[noreturn]] inline void fail(const std::string& what) { throw CheckFailed(what); }
[[noreturn]] inline void skip(const std::string& why) { throw Skipped(why); }

inline void check(bool condition, const std::string& what) {
    if (!condition) fail(what);
}

template <class A, class B>
void check_eq(const A& expected, const B& actual, const std::string& what) {
    if (!(expected == actual)) {
        std::ostringstream text;
        text.precision(17);
        text << what << ": expected " << expected << ", got " << actual;
        fail(text.str());
    }
}

// Bit-for-bit float equality (NaN equals NaN of the same bits).
inline void check_same_bits(float expected, float actual, const std::string& what) {
    if (std::memcmp(&expected, &actual, sizeof(float)) != 0) {
        std::ostringstream text;
        text.precision(9);
        text << what << ": expected " << expected << ", got " << actual << " (bits differ)";
        fail(text.str());
    }
}

inline void check_close(double expected, double actual, double atol, double rtol, const std::string& what) {
    if (!(std::fabs(actual - expected) <= atol + rtol * std::fabs(expected))) {
        std::ostringstream text;
        text.precision(17);
        text << what << ": expected " << expected << " within " << atol << " + " << rtol << "|x|, got " << actual;
        fail(text.str());
    }
}

inline void check_contains(const std::string& needle, const std::string& haystack, const std::string& what) {
    if (haystack.find(needle) == std::string::npos) fail(what + ": '" + haystack + "' lacks '" + needle + "'");
}

}  // namespace wstest

#define WS_CONCAT_INNER(a, b) a##b
#define WS_CONCAT(a, b) WS_CONCAT_INNER(a, b)
// WS_TEST(every_golden_vector_decodes_to_the_values_in_its_json) { ... }
#define WS_TEST(name)                                                              \
    static void name();                                                            \
    static const ::wstest::Register WS_CONCAT(register_, name)(#name, &name);      \
    static void name()
