package dev.evertone.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.Actor;
import dev.evertone.tests.support.ServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a reverse proxy every request comes from the proxy's address: the failure limits must
 * block the guesser the proxy names, not the proxy that every admin's requests pass through.
 */
class TrustedProxyTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** GET /api/v1/domains with these X-Forwarded-For header lines, in order. */
  private static int domains(ServerFixture fx, String token, String... forwardedFor)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(fx.http() + "/api/v1/domains"))
            .header("Authorization", "Bearer " + token);
    for (String line : forwardedFor) {
      b.header("X-Forwarded-For", line);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aGuesserBehindTheProxyIsBlockedAndEveryoneElseGetsThrough() throws Exception {
    try (ServerFixture fx =
        new ServerFixture(
            dir, "http.trusted-proxies=127.0.0.1", "auth.failures-per-source.limit=3")) {
      String token = fx.server.store().tokens().create("noc", Actor.local("test"));
      for (int i = 0; i < 3; i++) {
        assertThat(domains(fx, "guess-" + i, "203.0.113.7")).isEqualTo(401);
      }
      assertThat(domains(fx, token, "203.0.113.7")).as("the guesser, blocked").isEqualTo(403);
      // what the guesser writes before its own address (the proxy appends that) changes nothing
      assertThat(domains(fx, token, "198.51.100.9, 203.0.113.7")).isEqualTo(403);
      // nor a line of its own before the one the proxy adds (HAProxy's option forwardfor)
      assertThat(domains(fx, token, "198.51.100.9", "203.0.113.7")).isEqualTo(403);
      assertThat(domains(fx, token, "198.51.100.9")).as("an admin elsewhere").isEqualTo(200);
    }
  }

  @Test
  void withoutTrustedProxiesAForgedHeaderCannotDodgeTheBlock() throws Exception {
    try (ServerFixture fx = new ServerFixture(dir, "auth.failures-per-source.limit=3")) {
      String token = fx.server.store().tokens().create("noc", Actor.local("test"));
      for (int i = 0; i < 3; i++) {
        assertThat(domains(fx, "guess-" + i, "192.0.2." + i)).isEqualTo(401);
      }
      assertThat(domains(fx, token, "192.0.2.99")).isEqualTo(403);
    }
  }
}
