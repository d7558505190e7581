package dev.evertone.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.template.Format;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.testing.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Secrets are arbitrary: whatever characters they hold (quotes, backslashes, semicolons, percent
 * signs, SQL comment markers, Unicode, line breaks inside quoted CSV fields), an import changes
 * exactly the devices it names, and each then has exactly its own secret. On SQLite and PostgreSQL.
 */
class SecretPropertiesTest {
  private static final int DEVICES = 6;
  private static final Map<Kind, Fixture> FIXTURES = new LinkedHashMap<>();
  private static final AtomicInteger DOMAINS = new AtomicInteger();

  @BeforeContainer
  static void open() throws Exception {
    Path dir = Files.createTempDirectory("evertone-secrets");
    for (Kind kind : Kind.values()) {
      FIXTURES.put(kind, new Fixture(kind, dir.resolve(kind.name())));
    }
  }

  @AfterContainer
  static void close() {
    FIXTURES.values().forEach(Fixture::close);
  }

  @Provide
  Arbitrary<String> secrets() {
    Arbitrary<Character> hostile =
        Arbitraries.of(
            '\'', '"', '\\', ';', '%', '-', '/', '*', '#', ',', '\n', '\r', '\t', ' ', '\u00e9',
            '\u4e2d', '\u0645', '\u20ac');
    Arbitrary<String> printable =
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(0).ofMaxLength(40);
    Arbitrary<String> special =
        hostile
            .list()
            .ofMinSize(0)
            .ofMaxSize(20)
            .map(
                cs -> {
                  StringBuilder sb = new StringBuilder();
                  cs.forEach(sb::append);
                  return sb.toString();
                });
    Arbitrary<String> sql =
        Arbitraries.of(
            "'; DROP TABLE device_line; --",
            "' OR '1'='1",
            "/* */",
            "%s%n",
            "\\x00",
            "\ud83d\udd11");
    return Arbitraries.oneOf(printable, special, sql)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(parts -> String.join("", parts))
        .filter(s -> !s.isEmpty() && s.codePointCount(0, s.length()) <= 128);
  }

  /**
   * A secret may hold 128 characters; two glued together may not (the template refuses them,
   * rightly).
   */
  private static String atMost128(String s) {
    return s.codePointCount(0, s.length()) <= 128
        ? s
        : s.substring(0, s.offsetByCodePoints(0, 128));
  }

  @Property(tries = 60)
  void anImportChangesExactlyTheNamedDevicesEachToItsOwnSecret(
      @ForAll Kind kind,
      @ForAll Format format,
      @ForAll("secrets") String s0,
      @ForAll("secrets") String s1,
      @ForAll("secrets") String s2,
      @ForAll boolean change0,
      @ForAll boolean change3,
      @ForAll boolean change5) {
    Fixture f = Objects.requireNonNull(FIXTURES.get(kind), "open() makes a fixture of every kind");
    String domain = "t" + DOMAINS.incrementAndGet() + ".test";
    f.service.addDomain(domain);
    for (int i = 0; i < DEVICES; i++) {
      f.service.addDevice(
          new NewDevice(
              domain,
              null,
              null,
              null,
              null,
              null,
              List.of(new NewLine(null, "d" + i, "original-" + i))));
    }
    Map<LineKey, Line> before = f.lines();
    Map<String, String> named = new LinkedHashMap<>();
    if (change0) {
      named.put("d0", s0);
    }
    named.put("d1", s1);
    named.put("d2", s2);
    if (change3) {
      named.put("d3", atMost128(s0 + s1));
    }
    if (change5) {
      named.put("d5", atMost128(s2 + "\r\n" + s0));
    }
    byte[] file = format == Format.CSV ? csv(domain, named) : json(domain, named);
    f.service.importFile(file, new ImportOptions(format, null, false, true, false));

    Map<LineKey, Line> after = f.lines();
    for (Map.Entry<LineKey, Line> e : before.entrySet()) {
      LineKey key = e.getKey();
      String secret = key.domain().equals(domain) ? named.get(key.authUser()) : null;
      if (secret != null) {
        assertThat(f.secret(domain, key.authUser())).isEqualTo(secret);
        assertThat(
                Objects.requireNonNull(after.get(key), "the import deletes no line").secretHash())
            .isEqualTo(f.store.provisioning().fingerprint(key, secret));
      } else {
        assertThat(after.get(key)).as("%s must not change", key).isEqualTo(e.getValue());
      }
    }
  }

  /** RFC 4180, written by hand (not by the code under test): every field quoted, quotes doubled. */
  private static byte[] csv(String domain, Map<String, String> named) {
    StringBuilder sb = new StringBuilder("domain,auth_user,secret\r\n");
    named.forEach(
        (user, secret) ->
            sb.append(domain)
                .append(',')
                .append(user)
                .append(",\"")
                .append(secret.replace("\"", "\"\""))
                .append("\"\r\n"));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** JSON, escaped by hand: quotes, backslashes and control characters. */
  private static byte[] json(String domain, Map<String, String> named) {
    List<String> rows = new ArrayList<>();
    named.forEach(
        (user, secret) -> {
          StringBuilder esc = new StringBuilder();
          secret
              .chars()
              .forEach(
                  c -> {
                    if (c == '"' || c == '\\') {
                      esc.append('\\').append((char) c);
                    } else if (c < 0x20) {
                      esc.append(String.format("\\u%04x", c));
                    } else {
                      esc.append((char) c);
                    }
                  });
          rows.add(
              "{\"domain\": \""
                  + domain
                  + "\", \"auth_user\": \""
                  + user
                  + "\", \"secret\": \""
                  + esc
                  + "\"}");
        });
    return ("[" + String.join(",\n", rows) + "]").getBytes(StandardCharsets.UTF_8);
  }
}
