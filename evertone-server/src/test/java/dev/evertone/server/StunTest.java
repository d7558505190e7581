package dev.evertone.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunEncoder;
import dev.evertone.stun.StunMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The STUN server inside evertone serve, and the probe that reports a STUN server answering the wrong address. */
class StunTest {
  @TempDir Path dir;

  @Test
  void aStunServerAnsweringAWrongAddressIsReportedFailingWithinOneProbeInterval() throws Exception {
    try (DatagramSocket stale = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      Thread liar = new Thread(() -> {
        byte[] buf = new byte[1500];
        while (!stale.isClosed()) {
          try {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            stale.receive(p);
            StunMessage request = StunMessage.parse(buf, p.getLength());
            byte[] answer = StunEncoder.responseTo(request, true)
                .xorAddress(StunAttributes.XOR_MAPPED_ADDRESS, new InetSocketAddress(InetAddress.getByName("198.51.100.77"), 40000))
                .encode(null, true);
            stale.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
          } catch (Exception e) {
            return;
          }
        }
      });
      liar.setDaemon(true);
      liar.start();
      String staleName = "127.0.0.1:" + stale.getLocalPort();
      long started = System.currentTimeMillis();
      try (ServerFixture fx = new ServerFixture(dir, "stun.probe-interval=1s", "stun.probe-timeout=300ms", "stun.probe-servers=" + staleName)) {
        HttpClient http = HttpClient.newHttpClient();
        String health;
        do {
          Thread.sleep(50);
          health = http.send(HttpRequest.newBuilder(URI.create(fx.http() + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
        } while (!health.contains("\"server\":\"" + staleName + "\"") && System.currentTimeMillis() - started < 10_000);
        assertThat(System.currentTimeMillis() - started).as("within one probe interval of starting").isLessThan(5_000);
        assertThat(health).contains("\"server\":\"evertone\",\"ok\":true")
            .contains("\"server\":\"" + staleName + "\",\"ok\":false,\"mapped\":\"198.51.100.77:40000\",\"expected\":\"127.0.0.1:");
        assertThat(fx.server.meters().get("evertone.stun.probe.ok").tag("server", staleName).gauge().value()).isZero();
        assertThat(fx.server.meters().get("evertone.stun.probe.ok").tag("server", "evertone").gauge().value()).isEqualTo(1);
      }
    }
  }
}
