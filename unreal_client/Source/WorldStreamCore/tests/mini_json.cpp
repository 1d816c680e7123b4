#include "mini_json.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace wstest {

namespace {

class Parser {
public:
    explicit Parser(const std::string& s) : s_(s) {}

    Json document() {
        Json value = parse_value();
        skip_space();
        if (at_ != s_.size()) error("trailing text");
        return value;
    }

private:
    [[noreturn]] void error(const std::string& what) {
        throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(at_));
    }
    void skip_space() {
        while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
    }
    char peek() {
        skip_space();
        if (at_ >= s_.size()) error("unexpected end");
        return s_[at_];
    }
    void expect(char c) {
        if (peek() != c) error(std::string("expected '") + c + "'");
        ++at_;
    }
    bool consume_word(const char* word) {
        const std::string w(word);
        if (s_.compare(at_, w.size(), w) != 0) return false;
        at_ += w.size();
        return true;
    }

    Json parse_value() {
        const char c = peek();
        Json v;
        if (c == '{') {
            v.kind = Json::Kind::Object;
            ++at_;
            if (peek() == '}') return ++at_, v;
            for (;;) {
                std::string key = parse_string();
                expect(':');
                v.fields[key] = parse_value();
                if (peek() == ',') { ++at_; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = Json::Kind::Array;
            ++at_;
            if (peek() == ']') return ++at_, v;
            for (;;) {
                v.items.push_back(parse_value());
                if (peek() == ',') { ++at_; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = Json::Kind::String;
            v.text = parse_string();
            return v;
        }
        if (consume_word("true")) { v.kind = Json::Kind::Bool; v.boolean = true; return v; }
        if (consume_word("false")) { v.kind = Json::Kind::Bool; return v; }
        if (consume_word("null")) return v;
        // Python's json also writes NaN and Infinity.
        const std::size_t start = at_;
        if (consume_word("NaN") || consume_word("Infinity") || consume_word("-Infinity")) {
            v.kind = Json::Kind::Number;
            v.text = s_.substr(start, at_ - start);
            return v;
        }
        while (at_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[at_])) || s_[at_] == '-' ||
                                   s_[at_] == '+' || s_[at_] == '.' || s_[at_] == 'e' || s_[at_] == 'E')) {
            ++at_;
        }
        if (at_ == start) error("unexpected character");
        v.kind = Json::Kind::Number;
        v.text = s_.substr(start, at_ - start);
        return v;
    }

    std::string parse_string() {
        expect('"');
        std::string out;
        while (at_ < s_.size() && s_[at_] != '"') {
            char c = s_[at_++];
            if (c == '\\') {
                if (at_ >= s_.size()) error("bad escape");
                const char e = s_[at_++];
                switch (e) {
                    case 'n': out += '\n'; break;
                    case 't': out += '\t'; break;
                    case 'r': out += '\r'; break;
                    case 'b': out += '\b'; break;
                    case 'f': out += '\f'; break;
                    case 'u': {
                        // The vectors hold ASCII; keep BMP code points below 128, mark the rest.
                        if (at_ + 4 > s_.size()) error("bad \\u escape");
                        const long code = std::strtol(s_.substr(at_, 4).c_str(), nullptr, 16);
                        at_ += 4;
                        out += code < 128 ? static_cast<char>(code) : '?';
                        break;
                    }
                    default: out += e;
                }
            } else {
                out += c;
            }
        }
        expect('"');
        return out;
    }

    const std::string& s_;
    std::size_t at_ = 0;
};

void flatten(const Json& j, std::vector<std::string>& out) {
    if (j.kind == Json::Kind::Array) {
        for (const Json& item : j.items) flatten(item, out);
    } else if (j.kind == Json::Kind::Number) {
        out.push_back(j.text);
    } else {
        throw std::runtime_error("JSON: a non-number inside a number array");
    }
}

}  // namespace

Json Json::parse(const std::string& source) { return Parser(source).document(); }

const Json& Json::operator[](const std::string& key) const {
    auto it = fields.find(key);
    if (it == fields.end()) throw std::runtime_error("JSON: no field '" + key + "'");
    return it->second;
}

double Json::number() const {
    if (kind != Kind::Number) throw std::runtime_error("JSON: not a number");
    return std::strtod(text.c_str(), nullptr);
}

float Json::as_float() const {
    if (kind != Kind::Number) throw std::runtime_error("JSON: not a number");
    return std::strtof(text.c_str(), nullptr);
}

long long Json::integer() const {
    if (kind != Kind::Number) throw std::runtime_error("JSON: not a number");
    return std::strtoll(text.c_str(), nullptr, 10);
}

std::vector<std::string> Json::flat_numbers() const {
    std::vector<std::string> out;
    flatten(*this, out);
    return out;
}

}  // namespace wstest
