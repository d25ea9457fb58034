// Serve: cpp-httplib around HandleRequest, with bounds on requests and a
// clean stop on SIGTERM and SIGINT.
//
//
// Debian's cpp-httplib is a compiled library (pkg-config cpp-httplib) whose
// built-in bounds apply too: a request target of at most 8192 bytes, header
// lines of at most 8192 bytes, 5 requests per kept-alive connection.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "web/web.h"

namespace pressarc::web {

namespace {

WebRequest ToWebRequest(const httplib::Request& req) {
  WebRequest w;
  w.method = req.method;
  w.path = req.path;
  for (const auto& [name, value] : req.params) w.params.emplace_back(name, value);
  return w;
}

void Answer(Site& site, const httplib::Request& req, httplib::Response& res) {
  if (req.headers.size() > 100) {
    res.status = 431;
    res.set_content("too many header fields\n", "text/plain");
    return;
  }
  WebResponse w = site.Handle(ToWebRequest(req));
  res.status = w.status;
  for (const auto& [name, value] : w.headers) res.set_header(name.c_str(), value);
  res.set_content(std::move(w.body), w.content_type.c_str());
}

// Blocks SIGTERM and SIGINT in this thread (and the threads it starts), so
// that only the waiter below receives them.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

Status Serve(Site& site, const std::function<void(const std::string&)>& on_listening) {
  const WebOptions& options = site.options();
  const sigset_t stop_signals = BlockStopSignals();
  httplib::Server server;
  const std::size_t threads = options.threads == 0 ? 1 : options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(options.read_timeout_s, 0);
  server.set_write_timeout(options.write_timeout_s, 0);
  server.set_keep_alive_timeout(2);  // an idle connection frees its thread soon
  // Headers and body go out in two writes: without TCP_NODELAY, Nagle's
  // algorithm and the client's delayed ACK held every response for 40 ms.
  server.set_tcp_nodelay(true);
  auto handler = [&site](const httplib::Request& req, httplib::Response& res) {
    Answer(site, req, res);
  };
  // Every method reaches HandleRequest, which allows GET and HEAD only.
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);  // nothing to stop
    return Status::Runtime("cannot listen on " + options.host + ":" + std::to_string(options.port),
                           "is another server using the port? choose one with --listen HOST:PORT");
  }
  const bool v6 = options.host.find(':') != std::string::npos;
  on_listening((v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(port));
  std::atomic<bool> finished{false};
  std::thread waiter([&server, &finished, stop_signals] {
    const timespec tick{0, 50 * 1000 * 1000};
    while (!finished && sigtimedwait(&stop_signals, nullptr, &tick) < 0) {
    }
    // stop() does nothing before listen_after_bind() has started (a signal
    // right after the "serving" line): ask again until the server is done.
    while (!finished) {
      if (server.is_running()) server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  server.listen_after_bind();
  finished = true;
  waiter.join();
  // The signals stay blocked in this thread: a second Ctrl-C while the
  // process exits does not kill it half-way.
  return Status::Ok();
}

}  // namespace pressarc::web
