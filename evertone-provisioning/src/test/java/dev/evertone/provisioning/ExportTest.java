package dev.evertone.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.template.Format;
import dev.evertone.store.testing.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backup is an import file: exported, then imported into an empty store, it gives the same state.
 */
@ParameterizedClass
@EnumSource(Kind.class)
class ExportTest {
  final Kind kind;
  @TempDir Path dir;
  Fixture source;

  ExportTest(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    source = new Fixture(kind, dir.resolve("source"));
    source.service.addDomain("example.com");
    source.service.addDomain("other.org");
    source.service.addDomain("empty.net");
    source.importCsv(
        ImportTest.HEADER
            + ",example.com,1001,\"Front desk, \"\"main\"\"\",00:15:65:aa:bb:cc,Yealink T54W,\"Reception\",1,1001,\"multi\nline,\"\"quoted\"\"\"\n"
            + ",example.com,1001,,00:15:65:aa:bb:cc,,,3,1001c,\u00e9\u4e2d\u6587 ;--\n"
            + ",example.com,1002,Back office,,,,,1002,plain\n"
            + ",other.org,7,,,Door phone,Gate,,7,\\\\back\\\\slash\n");
    source.service.addUser("example.com", "3000", "No device yet");
  }

  @AfterEach
  void close() {
    source.close();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void exportThenImportIntoAnEmptyStoreReproducesTheState(Format format) {
    String backup = source.export(format);
    assertThat(backup).contains("1001c").contains("multi");
    try (Fixture restored = new Fixture(kind, dir.resolve("restored-" + format))) {
      PlanResult r =
          restored.service.importFile(
              backup.getBytes(StandardCharsets.UTF_8),
              new ImportOptions(format, "backup", false, false, true));
      assertThat(r.applied()).isTrue();
      assertThat(restored.service.domains())
          .extracting(DomainInfo::name)
          .containsExactlyElementsOf(
              format == Format.JSON
                  ? List.of("empty.net", "example.com", "other.org")
                  : List.of("example.com", "other.org"));
      for (String domain : List.of("example.com", "other.org")) {
        assertThat(strip(restored.service.devices(domain, null, null)))
            .isEqualTo(strip(source.service.devices(domain, null, null)));
        assertThat(restored.service.users(domain)).isEqualTo(source.service.users(domain));
      }
      for (String user : List.of("1001", "1001c", "1002")) {
        assertThat(restored.secret("example.com", user))
            .isEqualTo(source.secret("example.com", user));
      }
      assertThat(restored.secret("other.org", "7")).isEqualTo("\\\\back\\\\slash");
      assertThat(restored.export(format).replaceAll("\"exported_at\" : \"[^\"]+\"", ""))
          .isEqualTo(source.export(format).replaceAll("\"exported_at\" : \"[^\"]+\"", ""));
    }
  }

  /** Devices without what differs between two stores by nature: ids and times. */
  private static List<String> strip(List<DeviceInfo> devices) {
    return devices.stream()
        .map(
            d ->
                d.domain()
                    + "|"
                    + d.mac()
                    + "|"
                    + d.model()
                    + "|"
                    + d.description()
                    + "|"
                    + d.extension()
                    + "|"
                    + d.displayName()
                    + "|"
                    + d.lines().stream().map(l -> l.line() + ":" + l.authUser()).toList())
        .sorted()
        .toList();
  }
}
