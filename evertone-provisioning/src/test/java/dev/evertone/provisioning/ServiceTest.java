package dev.evertone.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.audit.AuditEvent;
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
 * One change at a time, as the admin API and the command line make them, on SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Kind.class)
class ServiceTest {
  final Kind kind;
  @TempDir Path dir;
  Fixture f;
  ProvisioningService p;

  ServiceTest(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    f = new Fixture(kind, dir);
    p = f.service;
    p.addDomain("Example.COM");
  }

  @AfterEach
  void close() {
    f.close();
  }

  private DeviceCreated deskPhone() {
    return p.addDevice(
        new NewDevice(
            "example.com",
            "1001",
            "Front desk",
            "00-15-65-AA-BB-CC",
            "Yealink T54W",
            "Reception",
            List.of(new NewLine(null, "1001", "pw-1001"), new NewLine(null, "1001b", null))));
  }

  @Test
  void domainsAreAddedListedAndRemoved() {
    assertThat(p.domains()).extracting(DomainInfo::name).containsExactly("example.com");
    assertThatThrownBy(() -> p.addDomain("example.com"))
        .isInstanceOf(ConflictException.class)
        .hasMessage("domain example.com already exists");
    assertThatThrownBy(() -> p.addDomain("bad domain"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("domain"));
    deskPhone();
    assertThat(p.domains().get(0))
        .satisfies(
            d -> {
              assertThat(d.users()).isEqualTo(1);
              assertThat(d.devices()).isEqualTo(1);
              assertThat(d.lines()).isEqualTo(2);
            });
    assertThatThrownBy(() -> p.removeDomain("example.com", false))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("still has 1 device and 1 user")
        .hasMessageContaining("--with-devices");
    assertThat(p.removeDomain("example.com", true)).isEqualTo(1);
    assertThat(p.domains()).isEmpty();
    assertThat(f.store.credentials().lookup("example.com", "1001", false)).isEmpty();
    assertThatThrownBy(() -> p.removeDomain("example.com", false))
        .isInstanceOf(NotFoundException.class);
    assertThat(f.store.audit().list(null, null, 1).get(0).detail())
        .isEqualTo("with 1 device, 2 lines and 1 user");
  }

  @Test
  void aDeviceIsAddedWithItsLinesAndOwner() {
    DeviceCreated created = deskPhone();
    DeviceInfo d = created.device();
    assertThat(d.mac()).isEqualTo("00:15:65:aa:bb:cc");
    assertThat(d.extension()).isEqualTo("1001");
    assertThat(d.displayName()).isEqualTo("Front desk");
    assertThat(d.lines())
        .extracting(l -> l.line() + " " + l.aor())
        .containsExactly("1 sip:1001@example.com", "2 sip:1001b@example.com");
    assertThat(created.generatedSecrets())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.authUser()).isEqualTo("1001b");
              assertThat(f.secret("example.com", "1001b")).isEqualTo(g.secret());
            });
    assertThat(p.device("example.com", d.id())).isEqualTo(d);
    assertThat(p.devices("example.com", null, "1001b")).containsExactly(d);
    assertThat(p.devices("example.com", null, "nobody")).isEmpty();
    AuditEvent e = f.store.audit().list(null, null, 1).get(0);
    assertThat(e.action()).isEqualTo("device.add");
    assertThat(e.target()).isEqualTo("00:15:65:aa:bb:cc");
    assertThat(e.actor()).isEqualTo("token:admin");
    assertThat(e.source()).isEqualTo("192.0.2.1");
  }

  @Test
  void invalidDevicesAreRefusedWithTheField() {
    deskPhone();
    assertThatThrownBy(
            () ->
                p.addDevice(new NewDevice("example.com", null, null, null, null, null, List.of())))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("lines"));
    assertThatThrownBy(
            () ->
                p.addDevice(
                    new NewDevice(
                        "example.com",
                        null,
                        null,
                        "00:15:65:aa:bb:cc",
                        null,
                        null,
                        List.of(new NewLine(null, "2001", null)))))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("MAC 00:15:65:aa:bb:cc");
    assertThatThrownBy(
            () ->
                p.addDevice(
                    new NewDevice(
                        "example.com",
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(new NewLine(null, "1001", null)))))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("auth user 1001@example.com is taken");
    assertThatThrownBy(
            () ->
                p.addDevice(
                    new NewDevice(
                        "example.com",
                        null,
                        null,
                        "not-a-mac",
                        null,
                        null,
                        List.of(new NewLine(null, "2001", null)))))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("mac"));
    assertThatThrownBy(
            () ->
                p.addDevice(
                    new NewDevice(
                        "example.com",
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(new NewLine(65, "2001", null)))))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("line"));
    assertThatThrownBy(
            () ->
                p.addDevice(
                    new NewDevice(
                        "example.com",
                        null,
                        "Name without user",
                        null,
                        null,
                        null,
                        List.of(new NewLine(null, "2001", null)))))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("display_name"));
    assertThatThrownBy(
            () ->
                p.addDevice(
                    new NewDevice(
                        "nowhere.net",
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(new NewLine(null, "1", null)))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("evertone domain add nowhere.net");
    assertThat(p.devices("example.com", null, null)).hasSize(1);
  }

  @Test
  void devicesAreUpdatedFieldByField() {
    DeviceInfo d = deskPhone().device();
    DeviceInfo u =
        p.updateDevice("example.com", d.id(), new DeviceUpdate(null, "Yealink T46U", "", "2000"));
    assertThat(u.model()).isEqualTo("Yealink T46U");
    assertThat(u.description()).isNull();
    assertThat(u.mac()).isEqualTo("00:15:65:aa:bb:cc");
    assertThat(u.extension()).isEqualTo("2000");
    assertThat(p.users("example.com"))
        .extracting(UserInfo::extension)
        .containsExactly("1001", "2000");
    assertThat(f.store.audit().list(null, null, 1).get(0).detail())
        .isEqualTo(
            "model: Yealink T54W -> Yealink T46U; description: Reception -> null; extension: 1001 -> 2000");
    assertThatThrownBy(
            () -> p.updateDevice("example.com", 999, new DeviceUpdate(null, null, null, null)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void linesAreAddedRemovedAndTheirSecretsSet() {
    DeviceInfo d = deskPhone().device();
    DeviceCreated withThird = p.addLine("example.com", d.id(), new NewLine(null, "1001c", "third"));
    assertThat(withThird.device().lines()).extracting(LineInfo::line).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> p.addLine("example.com", d.id(), new NewLine(2, "1001d", null)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("line 2 of the device is taken");
    p.removeLine("example.com", "1001c");
    p.removeLine("example.com", "1001b");
    assertThatThrownBy(() -> p.removeLine("example.com", "1001"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("only line of its device; remove the device instead");
    SecretChanged generated = p.setSecret("example.com", "1001", null);
    assertThat(generated.generatedSecret()).hasSize(20);
    assertThat(f.secret("example.com", "1001")).isEqualTo(generated.generatedSecret());
    SecretChanged given = p.setSecret("example.com", "1001", "mine; 'quoted' \"too\"");
    assertThat(given.generatedSecret()).isNull();
    assertThat(f.secret("example.com", "1001")).isEqualTo("mine; 'quoted' \"too\"");
    assertThatThrownBy(() -> p.setSecret("example.com", "nobody", "x"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> p.setSecret("example.com", "1001", ""))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("secret"));
    List<CredentialVersion> history = p.history("example.com", "1001");
    assertThat(history)
        .extracting(CredentialVersion::change)
        .containsExactly("created", "changed", "changed");
    assertThat(history.get(0).fingerprint()).hasSize(12).isNotEqualTo(history.get(1).fingerprint());
    assertThatThrownBy(() -> p.history("example.com", "never"))
        .isInstanceOf(NotFoundException.class);
    p.removeDevice("example.com", d.id());
    assertThat(p.devices("example.com", null, null)).isEmpty();
    assertThat(p.history("example.com", "1001"))
        .extracting(CredentialVersion::change)
        .endsWith("deleted");
  }

  @Test
  void usersAreAddedRenamedAndRemovedOnlyWithoutDevices() {
    p.addUser("example.com", "3000", "Alice");
    assertThatThrownBy(() -> p.addUser("example.com", "3000", null))
        .isInstanceOf(ConflictException.class);
    assertThat(p.updateUser("example.com", "3000", "Alice B.").displayName()).isEqualTo("Alice B.");
    deskPhone();
    assertThatThrownBy(() -> p.removeUser("example.com", "1001"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("still owns 1 device");
    p.removeUser("example.com", "3000");
    assertThat(p.users("example.com")).extracting(UserInfo::extension).containsExactly("1001");
    assertThatThrownBy(() -> p.removeUser("example.com", "3000"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> p.addUser("example.com", "30 00", null))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("extension"));
  }

  @Test
  void theAuditLogIsReadNewestFirstWithinLimits() {
    deskPhone();
    p.addUser("example.com", "3000", null);
    assertThat(p.audit(null, null, 10))
        .extracting(AuditEvent::action)
        .containsExactly("user.add", "device.add", "domain.add");
    assertThat(p.audit(null, null, 1)).hasSize(1);
    assertThatThrownBy(() -> p.audit(null, null, 0)).isInstanceOf(ValidationException.class);
  }
}
