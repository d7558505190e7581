package dev.evertone.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.store.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registrations written behind the location service survive a restart (a new location service on
 * the same store).
 */
class BindingJournalTest {
  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private static final InetAddress DEVICE = address(198, 51, 100, 7);

  private static InetAddress address(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes[i];
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Binding binding(String contact, TransportType transport, long seconds, int regId) {
    long now = clock.millis();
    return new Binding(
        new Binding.Contact(
            contact,
            ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-00000000000a>\"",
            800,
            "<urn:uuid:00000000-0000-1000-8000-00000000000a>",
            regId),
        new Binding.Register("call-" + contact, 3, "Yealink SIP-T46U", "<sip:edge.example.com;lr>"),
        new Binding.Origin(transport, new InetSocketAddress(DEVICE, 40_000 + regId), null),
        now - 5000,
        now + seconds * 1000);
  }

  private static void set(LocationService location, String aor, Binding... bindings) {
    location.update(aor, live -> new ArrayList<>(List.of(bindings)));
  }

  @Test
  void aRestartedServerHasEveryRegistrationBackWithoutANewRegister() {
    try (JdbcStore store = JdbcStore.open(new StoreConfig(null, dir, null, 2), clock)) {
      LocationService before = new LocationService(clock, 7200, meters);
      BindingJournal journal = new BindingJournal(before, store.bindings(), clock, meters);
      set(
          before,
          "sip:1001@example.com",
          binding("sip:1001@198.51.100.7:5060", TransportType.UDP, 600, 1),
          binding("sip:1001@198.51.100.7:5060", TransportType.UDP, 600, 2));
      set(
          before,
          "sip:1002@example.com",
          binding("sip:1002@198.51.100.7:5061;transport=tls", TransportType.TLS, 600, -1));
      set(
          before,
          "sip:1003@example.com",
          binding("sip:1003@198.51.100.7:5060", TransportType.UDP, 30, -1));
      // refreshed many times before the write: one write per address-of-record
      for (int i = 0; i < 50; i++) {
        set(
            before,
            "sip:1003@example.com",
            binding("sip:1003@198.51.100.7:5060", TransportType.UDP, 30, -1));
      }
      assertThat(journal.flush()).isEqualTo(3);
      assertThat(journal.flush()).isZero();
      set(before, "sip:1002@example.com"); // unregistered: its row goes too
      assertThat(journal.flush()).isEqualTo(1);

      clock.advanceSeconds(60); // 1003 expired meanwhile
      LocationService after = new LocationService(clock, 7200, meters);
      assertThat(
              new BindingJournal(after, store.bindings(), clock, new SimpleMeterRegistry())
                  .restore())
          .isEqualTo(2);
      assertThat(after.lookup("sip:1002@example.com")).isEmpty();
      assertThat(after.lookup("sip:1003@example.com")).isEmpty();
      List<Binding> restored = after.lookup("sip:1001@example.com");
      assertThat(restored)
          .hasSize(2)
          .allSatisfy(
              b -> {
                assertThat(b.contact()).isEqualTo("sip:1001@198.51.100.7:5060");
                assertThat(b.transport()).isEqualTo(TransportType.UDP);
                assertThat(b.sourceAddress().getHostAddress()).isEqualTo("198.51.100.7");
                assertThat(b.secondsLeft(clock.millis())).isEqualTo(540);
                assertThat(b.instanceId())
                    .isEqualTo("<urn:uuid:00000000-0000-1000-8000-00000000000a>");
                assertThat(b.path()).isEqualTo("<sip:edge.example.com;lr>");
                assertThat(b.userAgent()).isEqualTo("Yealink SIP-T46U");
                assertThat(b.qMillis()).isEqualTo(800);
                assertThat(b.flow()).as("no connection survives a restart").isNull();
              });
      assertThat(restored).extracting(Binding::regId).containsExactlyInAnyOrder(1, 2);
    }
  }

  @Test
  void whenTheStoreFailsTheChangesAreKeptForTheNextWrite() {
    JdbcStore store = JdbcStore.open(new StoreConfig(null, dir, null, 2), clock);
    LocationService location = new LocationService(clock, 7200, meters);
    BindingJournal journal = new BindingJournal(location, store.bindings(), clock, meters);
    set(
        location,
        "sip:1001@example.com",
        binding("sip:1001@198.51.100.7:5060", TransportType.UDP, 600, -1));
    store.close();
    assertThat(journal.flush()).isZero();
    assertThat(meters.get("evertone.registrar.bindings.write.failures").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("evertone.registrar.bindings.unwritten").gauge().value()).isEqualTo(1);
  }
}
