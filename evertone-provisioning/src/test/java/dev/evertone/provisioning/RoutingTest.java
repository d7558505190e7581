package dev.evertone.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.Change;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.RoutingRepository;
import dev.evertone.store.testing.TestDatabases.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Trunks, numbers, forwarding rules and dial plans, as the admin API and the CLI change them, on
 * SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Kind.class)
class RoutingTest {
  final Kind kind;
  @TempDir Path dir;
  Fixture f;
  ProvisioningService p;

  RoutingTest(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    f = new Fixture(kind, dir);
    p = f.service;
    p.addDomain("example.com");
    p.addUser("example.com", "1001", "Reception");
    p.addUser("example.com", "1002", null);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void trunksKeepTheirPasswordEncryptedAndShowOnlyThatOneIsSet() {
    TrunkInfo t =
        p.putTrunk(
            "example.com",
            "carrier-a",
            new TrunkSpec(
                "sip.carrier.example", null, null, "4930123", "s3cret;'\"", 20, null, null));
    assertThat(t)
        .isEqualTo(
            new TrunkInfo(
                "example.com",
                "carrier-a",
                "sip.carrier.example",
                5060,
                "udp",
                "4930123",
                true,
                20,
                "e164",
                0));
    assertThat(f.store.routing().trunkSecret("example.com", "carrier-a")).isEqualTo("s3cret;'\"");
    // replaced without a password: the stored one stays
    p.putTrunk(
        "example.com",
        "carrier-a",
        new TrunkSpec("192.0.2.10", 5080, "tcp", "4930123", null, 20, "digits", null));
    assertThat(f.store.routing().trunkSecret("example.com", "carrier-a")).isEqualTo("s3cret;'\"");
    p.putTrunk(
        "example.com",
        "backup",
        new TrunkSpec("[2001:db8::1]", null, null, null, null, 5, null, null));
    assertThat(p.trunks("example.com"))
        .extracting(TrunkInfo::name)
        .as("by priority")
        .containsExactly("backup", "carrier-a");
    assertThat(p.trunks("example.com").get(0).host()).isEqualTo("2001:db8::1");

    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "example.com",
                    "Bad Name",
                    new TrunkSpec("x.example", null, null, null, null, null, null, null)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("name"));
    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "example.com",
                    "t",
                    new TrunkSpec("x.example", 70000, null, null, null, null, null, null)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("port"));
    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "example.com",
                    "t",
                    new TrunkSpec("x.example", null, "sctp", null, null, null, null, null)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("transport"));
    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "example.com",
                    "t",
                    new TrunkSpec("bad host!", null, null, null, null, null, null, null)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("host"));
    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "example.com",
                    "t",
                    new TrunkSpec(null, null, null, null, null, null, null, null)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("host"));
    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "example.com",
                    "t",
                    new TrunkSpec("x.example", null, null, null, "pw", null, null, null)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("password"));
    assertThatThrownBy(
            () ->
                p.putTrunk(
                    "nowhere.example",
                    "t",
                    new TrunkSpec("x.example", null, null, null, null, null, null, null)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("evertone domain add nowhere.example");

    p.removeTrunk("example.com", "backup");
    assertThatThrownBy(() -> p.removeTrunk("example.com", "backup"))
        .isInstanceOf(NotFoundException.class);
    List<AuditEvent> audit = p.audit(null, null, 10);
    assertThat(audit)
        .extracting(AuditEvent::action)
        .containsSubsequence("trunk.remove", "trunk.add", "trunk.update", "trunk.add");
    assertThat(audit)
        .extracting(AuditEvent::detail)
        .noneMatch(d -> d != null && d.contains("s3cret"));
  }

  @Test
  void numbersRingAnExtensionOfTheirDomainOnly() {
    assertThat(p.putNumber("example.com", "+4930123456", "1001").extension()).isEqualTo("1001");
    p.putNumber("example.com", "+4930123456", "1002");
    assertThat(p.numbers("example.com"))
        .singleElement()
        .satisfies(n -> assertThat(n.extension()).isEqualTo("1002"));
    assertThatThrownBy(() -> p.putNumber("example.com", "030123456", "1001"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("number"));
    assertThatThrownBy(() -> p.putNumber("example.com", "+4930999999", "7777"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("extension 7777 does not exist");
    p.addDomain("other.example");
    p.addUser("other.example", "1001", null);
    assertThatThrownBy(() -> p.putNumber("other.example", "+4930123456", "1001"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("belongs to domain example.com");
    assertThatThrownBy(() -> p.removeNumber("other.example", "+4930123456"))
        .isInstanceOf(NotFoundException.class);
    p.removeNumber("example.com", "+4930123456");
    assertThat(p.numbers("example.com")).isEmpty();
  }

  @Test
  void forwardingRulesOnePerKindWithValidTargets() {
    p.setForwarding("example.com", "1001", "no-answer", "+4917612345678", 20);
    p.setForwarding("example.com", "1001", "unregistered", "1002", null);
    p.setForwarding("example.com", "1001", "no-answer", "004917612345678", 15);
    assertThat(p.forwarding("example.com", "1001"))
        .containsExactly(
            new ForwardInfo("example.com", "1001", "no-answer", "004917612345678", 15),
            new ForwardInfo("example.com", "1001", "unregistered", "1002", null));
    assertThatThrownBy(() -> p.setForwarding("example.com", "1001", "no-answer", "1002", null))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("after"));
    assertThatThrownBy(() -> p.setForwarding("example.com", "1001", "busy", "1002", 10))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("after"));
    assertThatThrownBy(() -> p.setForwarding("example.com", "1001", "sometimes", "1002", null))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("kind"));
    assertThatThrownBy(() -> p.setForwarding("example.com", "1001", "busy", "1001", null))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("target"));
    assertThatThrownBy(() -> p.setForwarding("example.com", "1001", "busy", "reception", null))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("extension reception does not exist");
    p.removeForwarding("example.com", "1001", "unregistered");
    assertThatThrownBy(() -> p.removeForwarding("example.com", "1001", "unregistered"))
        .isInstanceOf(NotFoundException.class);
    assertThat(p.forwarding("example.com", "1001"))
        .extracting(ForwardInfo::kind)
        .containsExactly("no-answer");
  }

  @Test
  void dialPlansTurnDialledNumbersIntoE164() {
    assertThatThrownBy(() -> p.dialPlan("example.com"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("evertone dialplan set");
    DialPlan de = p.setDialPlan("example.com", "49", "0", "00");
    assertThat(p.dialPlan("example.com")).isEqualTo(de);
    assertThat(de.toE164("030 1234-567")).isEqualTo("+49301234567");
    assertThat(de.toE164("0044 20 7946 0000")).isEqualTo("+442079460000");
    assertThat(de.toE164("+1 212 555 0100")).isEqualTo("+12125550100");
    assertThat(de.toE164("1234")).as("local, no prefix: not a number").isNull();
    assertThat(de.toE164("0301")).as("too short").isNull();
    DialPlan nanp = new DialPlan("example.com", "1", "1", "011");
    assertThat(nanp.toE164("12125550100")).isEqualTo("+12125550100");
    assertThat(nanp.toE164("011442079460000")).isEqualTo("+442079460000");
    assertThat(DialPlan.toE164("030123456", null)).as("without a plan only + numbers").isNull();
    assertThatThrownBy(() -> p.setDialPlan("example.com", "049", "0", "00"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("country-code"));
    assertThatThrownBy(() -> p.setDialPlan("example.com", "49", "0", "0"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.field()).isEqualTo("international-prefix"));
  }

  @Test
  void everyChangeTellsTheNodesAndARemovedDomainTakesItsRoutingAlong() {
    long before = f.store.changes().latest();
    p.setDialPlan("example.com", "49", "0", "00");
    List<Change> changes = f.store.changes().since(before, 10);
    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.entity()).isEqualTo(RoutingRepository.CHANGE);
              assertThat(c.domain()).isEqualTo("example.com");
            });
    p.putTrunk(
        "example.com",
        "carrier-a",
        new TrunkSpec("192.0.2.10", null, null, null, null, null, null, null));
    p.putNumber("example.com", "+4930123456", "1001");
    p.setForwarding("example.com", "1001", "busy", "1002", null);
    p.removeDomain("example.com", true);
    assertThat(f.store.routing().trunks()).isEmpty();
    assertThat(f.store.routing().numbers()).isEmpty();
    assertThat(f.store.routing().forwardRules()).isEmpty();
    assertThat(f.store.routing().dialPlans()).isEmpty();
  }
}
