package dev.evertone.tests.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tests.support.AnsweringPhone;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.Tones;
import dev.evertone.tests.support.UdpClient;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server stops while an anchored call is up (a restart): its relay ports are free at once, and
 * the server started again on the same data and the same narrow port range anchors new calls.
 */
class RestartDuringCallsTest {
  private static final String DOMAIN = "example.com";
  private static final int PORT_MIN = 40_400;
  private static final int PORT_MAX = 40_407; // two calls' worth: a stuck port would show at once

  @TempDir Path dir;

  private ServerFixture server() throws Exception {
    return new ServerFixture(
        dir.resolve("data"),
        "media.anchor=always",
        "media.host=127.0.0.1",
        "media.port-min=" + PORT_MIN,
        "media.port-max=" + PORT_MAX);
  }

  /**
   * 1001 (baresip, 440 Hz) calls 1002 (a phone that keeps what it hears) through {@code fx};
   * returns once the call is anchored and the callee hears the tone.
   */
  private Process call(ServerFixture fx, AnsweringPhone callee, String name) throws Exception {
    Path caller =
        Baresip.phone(
            dir.resolve(name),
            DOMAIN,
            "1001",
            "pw-1001",
            fx.udp().getPort(),
            Baresip.Audio.G711_440,
            "");
    Process dialling = Baresip.run(caller, 30, "/dial sip:1002@" + DOMAIN);
    Await.until(
        Duration.ofSeconds(10),
        "the call is anchored and the callee hears 440 Hz",
        () -> fx.server.media().anchoredCalls() == 1 && heard440(callee) > 50);
    return dialling;
  }

  private static long heard440(AnsweringPhone phone) {
    return phone.heard().stream()
        .filter(
            f -> {
              double[] block = new double[160];
              short[] s = f.samples();
              for (int i = 0; i < 160; i++) {
                block[i] = s[i] / 32768.0;
              }
              List<Double> share = Tones.shares(block, 8000, 440);
              return !share.isEmpty() && share.get(0) > 0.8;
            })
        .count();
  }

  @Test
  void aStopDuringAnAnchoredCallLeavesNoPortHeldAndTheNextServerAnchorsAgain() throws Exception {
    Peers.require("baresip", "baresip");
    List<Process> phones = new ArrayList<>();
    try {
      try (ServerFixture fx = server()) {
        Baresip.lines(fx, DOMAIN, "1001", "1002");
        try (UdpClient sip = new UdpClient(fx.udp())) {
          // registered before the phone starts answering (it reads every message that arrives)
          assertThat(DigestRegister.register(sip, "1002", DOMAIN, "pw-1002")).isEqualTo(200);
          try (AnsweringPhone callee = new AnsweringPhone(sip, 1000)) {
            phones.add(call(fx, callee, "first"));
            assertThat(fx.server.media().anchoredCalls()).isOne();
          }
        }
      } // stopped with the call up
      // every relay port is free the moment the server has stopped (bound without SO_REUSEADDR)
      for (int port = PORT_MIN; port <= PORT_MAX; port++) {
        try (DatagramSocket s =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
          assertThat(s.getLocalPort()).isEqualTo(port);
        }
      }
      try (ServerFixture fx = server()) {
        try (UdpClient sip = new UdpClient(fx.udp())) {
          assertThat(DigestRegister.register(sip, "1002", DOMAIN, "pw-1002")).isEqualTo(200);
          AnsweringPhone callee = new AnsweringPhone(sip, 1000);
          Process second = call(fx, callee, "second");
          phones.add(second);
          assertThat(fx.server.meters().get("evertone.media.ports").gauge().value()).isEqualTo(4);
          second.destroy(); // baresip hangs up as it quits
          assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
          Await.until(
              Duration.ofSeconds(5),
              "the BYE frees the call's ports",
              () -> fx.server.meters().get("evertone.media.ports").gauge().value() == 0);
          callee.close();
        }
      }
    } finally {
      for (Process p : phones) {
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
