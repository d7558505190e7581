package dev.evertone.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The probe tells a STUN server that answers the truth from one that lies about the mapped address,
 * or is silent.
 */
class StunProbeTest {

  /**
   * A STUN server that answers every Binding request with the same wrong mapped address, as a stale
   * one did.
   */
  private static Thread liar(DatagramSocket socket, InetSocketAddress lie) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[1500];
              while (!socket.isClosed()) {
                try {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  socket.receive(p);
                  StunMessage request = StunMessage.parse(buf, p.getLength());
                  byte[] answer =
                      StunEncoder.responseTo(request, true)
                          .xorAddress(StunAttributes.XOR_MAPPED_ADDRESS, lie)
                          .encode(null, true);
                  socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (Exception e) {
                  return;
                }
              }
            },
            "lying-stun");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aServerReportingAWrongAddressAndASilentOneFailTheRightOnePasses() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (StunServer own = StunServer.start("127.0.0.1", 0, 1, new BindingService(meters));
        DatagramSocket lying = new DatagramSocket(new InetSocketAddress(loopback, 0));
        DatagramSocket silent = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
      liar(lying, new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 4444));
      List<StunProbe.Target> targets =
          List.of(
              new StunProbe.Target("own", own.udpAddress()),
              new StunProbe.Target(
                  "stale.example:3478", (InetSocketAddress) lying.getLocalSocketAddress()),
              new StunProbe.Target(
                  "silent.example:3478", (InetSocketAddress) silent.getLocalSocketAddress()));
      try (StunProbe probe =
          new StunProbe(
              targets, new InetSocketAddress(loopback, 0), null, 300, Clock.systemUTC(), meters)) {
        probe.probeAll();
        List<StunProbe.Result> results = probe.results();
        assertThat(results).extracting(StunProbe.Result::ok).containsExactly(true, false, false);
        assertThat(results.get(0).mapped())
            .isEqualTo(results.get(0).expected())
            .startsWith("127.0.0.1:");
        assertThat(results.get(1).problem())
            .contains("answered mapped address 203.0.113.9:4444, expected 127.0.0.1:");
        assertThat(results.get(2).problem()).isEqualTo("did not answer within 300 ms");
        assertThat(meters.get("evertone.stun.probe.ok").tag("server", "own").gauge().value())
            .isEqualTo(1);
        assertThat(
                meters
                    .get("evertone.stun.probe.ok")
                    .tag("server", "stale.example:3478")
                    .gauge()
                    .value())
            .isZero();
        assertThat(
                meters
                    .get("evertone.stun.probe.failures")
                    .tag("server", "stale.example:3478")
                    .counter()
                    .count())
            .isEqualTo(1);
      }
    }
  }

  @Test
  void aTurnServerMustAllocateAndRelayAPacketBackToTheProbe() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    TurnConfig turn =
        new TurnConfig(
            "probe.test",
            java.util.Map.of("probe", "probe-pw"),
            List.of(),
            "127.0.0.1",
            null,
            50000,
            59999,
            3600,
            5,
            10,
            true,
            false,
            0,
            null);
    try (StunServer own =
        StunServer.start("127.0.0.1", 0, 1, new BindingService(meters), turn, meters)) {
      List<StunProbe.Target> targets =
          List.of(
              new StunProbe.Target("own-turn", own.udpAddress(), "probe", "probe-pw"),
              new StunProbe.Target("own-turn-wrong", own.udpAddress(), "probe", "not-it"));
      try (StunProbe probe =
          new StunProbe(
              targets, new InetSocketAddress(loopback, 0), null, 1000, Clock.systemUTC(), meters)) {
        probe.probeAll();
        List<StunProbe.Result> results = probe.results();
        assertThat(results.get(0).ok()).as(String.valueOf(results.get(0).problem())).isTrue();
        assertThat(results.get(1).ok()).isFalse();
        assertThat(results.get(1).problem()).contains("refused the TURN");
        assertThat(meters.get("evertone.turn.allocations").gauge().value())
            .as("the probe released its allocation")
            .isZero();
      }
    }
  }
}
