package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.template.Format;
import dev.evertone.store.testing.TestDatabases;
import dev.evertone.store.testing.TestDatabases.Kind;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Arbitrary secrets, imported from CSV into a running server (SQLite and PostgreSQL): exactly the
 * devices the file names get new secrets, and each device then registers with its own secret (a
 * real REGISTER with an MD5 digest computed by the test) and no longer with the old one; the others
 * still register as before.
 */
class SecretRegistrationPropertiesTest {
  private static final int DEVICES = 4;
  private static final Map<Kind, ServerFixture> SERVERS = new EnumMap<>(Kind.class);
  private static final AtomicInteger DOMAINS = new AtomicInteger();

  @BeforeContainer
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("evertone-secret-registration");
    for (Kind kind : Kind.values()) {
      String url =
          kind == Kind.POSTGRESQL ? "store.url=" + TestDatabases.freshPostgresUrl() : "store.url=";
      SERVERS.put(
          kind,
          new ServerFixture(
              dir.resolve(kind.name()),
              url,
              "auth.failures-per-source.limit=100000",
              "auth.failures-per-account.limit=100000"));
    }
  }

  @AfterContainer
  static void stop() {
    SERVERS.values().forEach(ServerFixture::close);
  }

  @Provide
  Arbitrary<String> secrets() {
    Arbitrary<Character> hostile =
        Arbitraries.of(
            '\'', '"', '\\', ';', '%', '-', '/', '*', '#', ',', '\n', '\r', '\t', ' ', '\u00e9',
            '\u4e2d', '\u20ac');
    Arbitrary<String> printable =
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(0).ofMaxLength(30);
    Arbitrary<String> special =
        hostile
            .list()
            .ofMinSize(0)
            .ofMaxSize(12)
            .map(
                cs -> {
                  StringBuilder sb = new StringBuilder();
                  cs.forEach(sb::append);
                  return sb.toString();
                });
    Arbitrary<String> sql =
        Arbitraries.of(
            "'; DROP TABLE device_line; --", "' OR '1'='1", "/* */", "%s%n", "\ud83d\udd11");
    return Arbitraries.oneOf(printable, special, sql)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(parts -> String.join("", parts))
        .filter(s -> !s.isEmpty());
  }

  @Property(tries = 15)
  void eachNamedDeviceRegistersWithItsOwnNewSecretAndTheOthersAsBefore(
      @ForAll Kind kind,
      @ForAll("secrets") String a,
      @ForAll("secrets") String b,
      @ForAll boolean alsoThird)
      throws Exception {
    ServerFixture fx =
        Objects.requireNonNull(SERVERS.get(kind), "a server of each kind starts first");
    String domain = "r" + DOMAINS.incrementAndGet() + ".test";
    fx.provisioning().addDomain(domain);
    for (int i = 0; i < DEVICES; i++) {
      fx.provisioning()
          .addDevice(
              new NewDevice(
                  domain,
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, "d" + i, "old-" + i))));
    }
    Map<String, String> named = new LinkedHashMap<>();
    named.put("d0", a);
    named.put("d1", b);
    if (alsoThird) {
      named.put("d3", b + a);
    }
    StringBuilder csv = new StringBuilder("domain,auth_user,secret\r\n");
    named.forEach(
        (user, secret) ->
            csv.append(domain)
                .append(',')
                .append(user)
                .append(",\"")
                .append(secret.replace("\"", "\"\""))
                .append("\"\r\n"));
    fx.provisioning()
        .importFile(
            csv.toString().getBytes(StandardCharsets.UTF_8),
            new ImportOptions(Format.CSV, null, false, true, false));
    try (UdpClient phone = new UdpClient(fx.udp())) {
      for (int i = 0; i < DEVICES; i++) {
        String user = "d" + i;
        String secret = named.getOrDefault(user, "old-" + i);
        int status = DigestRegister.register(phone, user, domain, secret);
        long deadline =
            System.currentTimeMillis()
                + 3000; // the cache follows the change log: at once, or within a poll
        while (status != 200 && System.currentTimeMillis() < deadline) {
          status = DigestRegister.register(phone, user, domain, secret);
        }
        assertThat(status).as("%s@%s with its own secret", user, domain).isEqualTo(200);
        if (named.containsKey(user) && !secret.equals("old-" + i)) {
          assertThat(DigestRegister.register(phone, user, domain, "old-" + i))
              .as("%s with its old secret", user)
              .isEqualTo(403);
        }
      }
    }
  }
}
