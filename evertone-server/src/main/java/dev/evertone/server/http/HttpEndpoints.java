package dev.evertone.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoints, on the JDK's HTTP server: {@code GET /metrics} in the Prometheus text format,
 * and {@code GET /health}, 200 with a short JSON status while the server runs.
 */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  public static HttpEndpoints start(String host, int port, PrometheusMeterRegistry meters, Supplier<String> health) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.createContext("/metrics", exchange -> {
      if (!allowGet(exchange)) {
        return;
      }
      send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
    });
    server.createContext("/health", exchange -> {
      if (!allowGet(exchange)) {
        return;
      }
      send(exchange, 200, "application/json", health.get());
    });
    server.createContext("/", exchange -> send(exchange, 404, "text/plain; charset=utf-8",
        "not found; try /metrics or /health\n"));
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return new HttpEndpoints(server);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      send(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
      return false;
    }
    return true;
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
