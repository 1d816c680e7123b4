// The client's own checks and a server that is not there: real gRPC channels on loopback, no
// server process needed.
#include <chrono>
#include <thread>

#include "harness.h"
#include "worldstream/client.h"
#include "worldstream/error_reasons.h"

using namespace worldstream;
using namespace wstest;

namespace {

// A loopback port nothing listens on (port 1 needs privileges to bind, so nothing does).
const char* const kNowhere = "127.0.0.1:1";

std::unique_ptr<Client> client_for(const std::string& endpoint) {
    ClientOptions options;
    options.endpoint = endpoint;
    options.call_timeout_seconds = 5;
    auto client = Client::create(options);
    if (!client) fail("client: " + client.error().to_string());
    return std::move(client.value());
}

// Waits for the session's first Disconnected event.
DisconnectedEvent first_disconnect(ExploreSession& session, int* generation) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        std::optional<DisconnectedEvent> seen;
        session.events().drain(1 << 30, [&](StreamEvent& e) {
            if (auto* d = std::get_if<DisconnectedEvent>(&e.body); d != nullptr && !seen) {
                seen = *d;
                *generation = e.generation;
            }
        });
        if (seen) return *seen;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    fail("no Disconnected event within 10 s");
}

}  // namespace

WS_TEST(options_that_cannot_work_are_refused_before_any_call) {
    ClientOptions no_endpoint;
    auto a = Client::create(no_endpoint);
    check(!a.ok() && a.error().code == StatusCode::InvalidArgument &&
              a.error().reason == reasons::kClientInvalidOptions,
          "no endpoint");
    ClientOptions token_in_clear;
    token_in_clear.endpoint = "203.0.113.7:50051";
    token_in_clear.access_token = "a-token-of-sixteen-chars";
    auto b = Client::create(token_in_clear);
    check(!b.ok() && b.error().reason == reasons::kClientInvalidOptions, "a token in plaintext to another machine");
    check_contains("TLS", b.error().message, "the message says why");
    ClientOptions tls = token_in_clear;
    tls.use_tls = true;
    check(Client::create(tls).ok(), "a token over TLS is accepted (connecting is lazy)");
    ClientOptions loopback = token_in_clear;
    loopback.endpoint = "127.0.0.1:50051";
    check(Client::create(loopback).ok(), "a token in plaintext to this machine is accepted");
}

WS_TEST(loopback_targets_are_recognised_in_every_spelling) {
    for (const char* yes : {"localhost:50051", "127.0.0.1:1", "127.8.9.10", "[::1]:50051", "::1", "ipv4:127.0.0.1:5",
                            "dns:///localhost:443", "ipv6:[::1]:7"}) {
        check(is_loopback_target(yes), std::string(yes) + " is loopback");
    }
    for (const char* no : {"10.0.0.1:50051", "example.com:443", "128.0.0.1:1", "127.0.0.1.example.com:1",
                           "[2001:db8::1]:50051", "", "localhost.evil:1", "dns:///10.1.1.1:1"}) {
        check(!is_loopback_target(no), std::string(no) + " is not loopback");
    }
}

WS_TEST(a_server_that_is_not_there_is_unavailable_and_worth_retrying) {
    auto client = client_for(kNowhere);
    auto world = client->get_world("worlds/anything");
    check(!world.ok(), "no server, no world");
    check(world.error().code == StatusCode::Unavailable, "UNAVAILABLE, got " + world.error().to_string());
    check(world.error().advice() == RetryAdvice::RetryWithBackoff, "retry with backoff");
}

WS_TEST(an_explore_stream_without_a_server_reports_it_and_reconnects_only_when_asked) {
    auto client = client_for(kNowhere);
    ExploreOptions once;
    once.world = "worlds/anything";
    once.reconnect = false;
    auto session = client->explore(once);
    int generation = 0;
    const DisconnectedEvent gone = first_disconnect(*session, &generation);
    check(gone.error.code == StatusCode::Unavailable, "UNAVAILABLE, got " + gone.error.to_string());
    check(!gone.will_reconnect, "no reconnect when not asked");
    for (int i = 0; i < 200 && session->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    check(!session->running(), "the session ended");

    ExploreOptions retrying = once;
    retrying.reconnect = true;
    retrying.reconnect_initial_seconds = 0.01;
    retrying.reconnect_max_seconds = 0.05;
    auto again = client->explore(retrying);
    const DisconnectedEvent first = first_disconnect(*again, &generation);
    check(first.will_reconnect, "a transient failure is retried");
    check_eq(1, generation, "the first connection");
    const DisconnectedEvent second = first_disconnect(*again, &generation);
    check(second.will_reconnect && generation >= 2, "and retried again, as a new connection");
    again->stop();
    check(!again->running(), "stop ends the session");
    again->stop();  // idempotent
}

WS_TEST(acks_for_an_older_connection_and_views_after_stop_are_harmless) {
    auto client = client_for(kNowhere);
    ExploreOptions options;
    options.world = "worlds/anything";
    options.reconnect = false;
    auto session = client->explore(options);
    ViewToSend view;
    view.pose.viewport_width = 16;
    view.pose.viewport_height = 16;
    session->send_view(view);
    session->acknowledge(100, 999);
    session->acknowledge(-5, session->generation());
    session->set_held_tiles({{TileKey{1, 2, 3, 0}, 4}}, "5f0c", 0);
    session->stop();
    session->send_view(view);
    session->acknowledge(10, session->generation());
    check(!session->running(), "stopped");
}
