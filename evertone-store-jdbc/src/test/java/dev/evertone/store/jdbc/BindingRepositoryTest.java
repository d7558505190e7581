package dev.evertone.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.registration.BindingRepository;
import dev.evertone.store.registration.ClusterNode;
import dev.evertone.store.registration.StoredBinding;
import dev.evertone.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Registrations written behind the location service, on both databases. */
class BindingRepositoryTest {
  @TempDir Path dir;

  private static StoredBinding binding(String aor, String contact, long expiresAt, int regId) {
    return new StoredBinding(
        aor,
        contact,
        ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000000000001>\"",
        500,
        "call-" + contact,
        7,
        expiresAt,
        1000,
        "udp",
        "192.0.2.7",
        5060,
        "Yealink SIP-T46U",
        "<urn:uuid:00000000-0000-1000-8000-000000000001>",
        regId,
        "<sip:edge.example.com;lr>",
        "");
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void anAorsRowsAreReplacedTogetherAndOnlyLiveOnesAreRead(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), Clock.systemUTC())) {
      BindingRepository bindings = store.bindings();
      String a = "sip:1001@example.com";
      String b = "sip:1002@example.com";
      // the same contact twice in one AOR (two RFC 5626 flows) is allowed
      Map<String, List<StoredBinding>> first = new LinkedHashMap<>();
      first.put(
          a,
          List.of(
              binding(a, "sip:1001@192.0.2.7:5060", 10_000, 1),
              binding(a, "sip:1001@192.0.2.7:5060", 10_000, 2)));
      first.put(b, List.of(binding(b, "sip:1002@192.0.2.8:5060", 3_000, -1)));
      bindings.replace("", first);
      assertThat(bindings.live("", 2_000))
          .hasSize(3)
          .contains(binding(b, "sip:1002@192.0.2.8:5060", 3_000, -1));
      assertThat(bindings.live("", 5_000)).extracting(StoredBinding::aor).containsOnly(a);

      // a refresh replaces the AOR's rows; an empty list removes them; other AORs stay
      bindings.replace("", Map.of(a, List.of(binding(a, "sip:1001@198.51.100.1:5060", 20_000, 1))));
      assertThat(bindings.live("", 2_000))
          .extracting(StoredBinding::contact)
          .containsExactlyInAnyOrder("sip:1001@198.51.100.1:5060", "sip:1002@192.0.2.8:5060");
      bindings.replace("", Map.of(b, List.of()));
      assertThat(bindings.live("", 0)).extracting(StoredBinding::aor).containsExactly(a);

      assertThat(bindings.purgeExpired(25_000)).isEqualTo(1);
      assertThat(bindings.live("", 0)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void eachNodeOwnsItsRowsAndSeesTheOthersBindingsOfAnAor(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), Clock.systemUTC())) {
      BindingRepository bindings = store.bindings();
      String a = "sip:1001@example.com";
      StoredBinding onA = withNode(binding(a, "sip:1001@192.0.2.7:5060", 10_000, 1), "a");
      StoredBinding onB = withNode(binding(a, "sip:1001@192.0.2.9:5060", 10_000, 1), "b");
      bindings.replace("a", Map.of(a, List.of(onA)));
      bindings.replace("b", Map.of(a, List.of(onB)));
      assertThat(bindings.live("a", 0)).containsExactly(onA);
      assertThat(bindings.elsewhere("a", List.of(a, "sip:9@example.com"), 0)).containsExactly(onB);
      assertThat(bindings.elsewhere("a", List.of(a), 20_000)).as("expired").isEmpty();
      bindings.replace("a", Map.of(a, List.of()));
      assertThat(bindings.elsewhere("c", List.of(a), 0))
          .as("b's row stays when a's go")
          .containsExactly(onB);

      bindings.heartbeat(new ClusterNode("a", "127.0.0.1", 5060, 1000));
      bindings.heartbeat(new ClusterNode("a", "127.0.0.1", 5060, 2000));
      bindings.heartbeat(new ClusterNode("b", "127.0.0.1", 5070, 1500));
      assertThat(bindings.nodes())
          .containsExactly(
              new ClusterNode("a", "127.0.0.1", 5060, 2000),
              new ClusterNode("b", "127.0.0.1", 5070, 1500));
    }
  }

  private static StoredBinding withNode(StoredBinding b, String node) {
    return new StoredBinding(
        b.aor(),
        b.contact(),
        b.contactParams(),
        b.qMillis(),
        b.callId(),
        b.cseq(),
        b.expiresAt(),
        b.registeredAt(),
        b.transport(),
        b.sourceIp(),
        b.sourcePort(),
        b.userAgent(),
        b.instanceId(),
        b.regId(),
        b.path(),
        node);
  }
}
