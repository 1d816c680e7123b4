// Just enough JSON to read the golden vectors' documents (tests/vectors/*.json): objects,
// arrays, numbers, strings, true/false/null. A test-only reader: the core itself reads no JSON,
// and a JSON package would be one more dependency for a few hundred lines of fixtures. Numbers
// keep their text so that a float32 value is parsed straight to float (one rounding).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wstest {

struct Json {
    enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
    bool boolean = false;
    std::string text;  // a number's digits, or a string's value
    std::vector<Json> items;
    std::map<std::string, Json> fields;

    static Json parse(const std::string& source);  // throws std::runtime_error naming the offset

    const Json& operator[](const std::string& key) const;  // throws when absent
    bool has(const std::string& key) const { return fields.count(key) != 0; }
    double number() const;
    float as_float() const;
    long long integer() const;
    // Every number of a nested array, depth first (an [N][K][3] array flattens to N*K*3).
    std::vector<std::string> flat_numbers() const;
};

}  // namespace wstest
