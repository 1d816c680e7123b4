// A value or a typed error, for C++17 (std::expected arrives in C++23). The core reports every
// failure this way and throws nothing across its API: Unreal builds modules with exceptions off.
#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

namespace worldstream {

// Holds E when constructed from it; Unexpected makes that explicit where T and E could mix.
template <class E>
struct Unexpected {
    E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return {std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Expected {
public:
    Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Expected(Unexpected<E> error) : state_(std::in_place_index<1>, std::move(error.error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Reading the value of an error (or the error of a value) is a bug in the caller: it stops
    // the program rather than read garbage.
    T& value() & { return checked<0>(); }
    const T& value() const& { return checked<0>(); }
    T&& value() && { return std::move(checked<0>()); }
    const E& error() const { return checked<1>(); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    template <std::size_t I>
    auto& checked() {
        auto* held = std::get_if<I>(&state_);
        if (held == nullptr) std::abort();
        return *held;
    }
    template <std::size_t I>
    const auto& checked() const {
        const auto* held = std::get_if<I>(&state_);
        if (held == nullptr) std::abort();
        return *held;
    }

    std::variant<T, E> state_;
};

}  // namespace worldstream
