package dev.evertone.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsServeOnTheStandardPortsWithTheEmbeddedStore() {
    ServerConfig c = ConfigLoader.load(null, Map.of(), List.of());
    assertThat(c.sip().host()).isEqualTo("0.0.0.0");
    assertThat(c.sip().udpPort()).isEqualTo(5060);
    assertThat(c.sip().tcpPort()).isEqualTo(5060);
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.store().url()).isEmpty();
    assertThat(c.registrar().minExpires()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.registrar().maxExpires()).isEqualTo(Duration.ofHours(2));
    assertThat(c.sip().timers().t1()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.auth().algorithms()).containsExactly("MD5");
  }

  @Test
  void theProxysLimitsHaveDefaultsAndBounds() {
    ServerConfig c = ConfigLoader.load(null, Map.of(), List.of());
    assertThat(c.proxy().extensionCacheTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.proxy().carrierRegistrationRetry()).isEqualTo(Duration.ofSeconds(60));
    assertThat(
            ConfigLoader.load(
                    null, Map.of("EVERTONE_PROXY_CARRIER_REGISTRATION_RETRY", "5m"), List.of())
                .proxy()
                .carrierRegistrationRetry())
        .isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("proxy.extension-cache-ttl=2h")))
        .hasMessageContaining("proxy.extension-cache-ttl must be 100ms to 1h");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("proxy.carrier-registration-retry=0s")))
        .hasMessageContaining("proxy.carrier-registration-retry must be 1s to 24h");
  }

  @Test
  void parkLotsAreReadAndAWrongOneIsNamedWithTheFormExpected() {
    assertThat(ConfigLoader.load(null, Map.of(), List.of()).park().lots()).isEmpty();
    assertThat(
            ConfigLoader.load(
                    null,
                    Map.of(),
                    List.of(
                        "park.lots=700@example.com;slots=701-709;timeout=60s,"
                            + "800@example.org;slots=801-802"))
                .park()
                .lots())
        .containsExactly(
            "700@example.com;slots=701-709;timeout=60s", "800@example.org;slots=801-802");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("park.lots=700@example.com")))
        .hasMessageContaining(
            "park.lots: '700@example.com' is not EXTENSION@DOMAIN;slots=FIRST-LAST")
        .hasMessageContaining("700@example.com;slots=701-709;timeout=60s");
  }

  @Test
  void theStreamAndStunLimitsHaveDefaultsAndBounds() {
    ServerConfig c = ConfigLoader.load(null, Map.of(), List.of());
    assertThat(c.sip().streams().tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.sip().streams().maxClientHelloBytes()).isEqualTo(16_384);
    assertThat(c.sip().streams().acceptBacklog()).isEqualTo(1024);
    assertThat(c.stun().limits().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.stun().limits().relayDatagramBytes()).isEqualTo(2048);
    assertThat(c.stun().turn().nonceLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(
            () ->
                ConfigLoader.load(null, Map.of(), List.of("sip.streams.tls-handshake-timeout=0s")))
        .hasMessageContaining("sip.streams.tls-handshake-timeout must be 100ms to 5m");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("stun.limits.max-datagram-bytes=100")))
        .hasMessageContaining("stun.limits.max-datagram-bytes must be 576 to 65535");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("stun.turn.nonce-lifetime=1s")))
        .hasMessageContaining("stun.turn.nonce-lifetime must be 10s to 24h");
  }

  @Test
  void stunTakesOneLoopPerCoreUnlessTold() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(ConfigLoader.load(null, Map.of(), List.of()).stun().effectiveIoThreads())
        .isEqualTo(cores);
    assertThat(
            ConfigLoader.load(null, Map.of(), List.of("stun.io-threads=3"))
                .stun()
                .effectiveIoThreads())
        .isEqualTo(3);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("stun.io-threads=-1")))
        .hasMessageContaining("stun.io-threads must be 0 (one per core) or more");
  }

  @Test
  void fileThenEnvironmentThenSetOverrides() throws Exception {
    Path file = dir.resolve("evertone.yaml");
    Files.writeString(
        file, "sip:\n  udp-port: 5070\n  tcp-port: 5071\nregistrar:\n  max-expires: 1h\n");
    ServerConfig c =
        ConfigLoader.load(
            file,
            Map.of("EVERTONE_SIP_TCP_PORT", "6000", "EVERTONE_AUTH_ALGORITHMS", "SHA-256, MD5"),
            List.of("sip.tcp-port=7000", "data-dir=/var/lib/evertone"));
    assertThat(c.sip().udpPort()).isEqualTo(5070);
    assertThat(c.sip().tcpPort()).isEqualTo(7000);
    assertThat(c.registrar().maxExpires()).isEqualTo(Duration.ofHours(1));
    assertThat(c.auth().algorithms()).containsExactly("SHA-256", "MD5");
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/evertone"));
    assertThat(ConfigLoader.envName("sip.limits.max-message-bytes"))
        .isEqualTo("EVERTONE_SIP_LIMITS_MAX_MESSAGE_BYTES");
  }

  @Test
  void unknownKeysAreErrorsWithASuggestion() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "sip:\n  udp_port: 5070\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown configuration key 'sip.udp_port'; did you mean 'sip.udp-port'?");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("sip.nope=1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'sip.nope'");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("novalue")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key=value");
  }

  @Test
  void everyProblemOfEverySourceIsReportedAtOnce() throws Exception {
    Path file = dir.resolve("many.yaml");
    Files.writeString(
        file,
        "sip:\n  udp_port: 5070\n  max-connections: lots\nregistrar:\n  persist-interval: x\n");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(file, Map.of(), List.of("sip.nope=1", "registrar.min-expires=x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("5 problems in the configuration:\n  ")
        .hasMessageContaining(
            "unknown configuration key 'sip.udp_port'; did you mean 'sip.udp-port'?")
        .hasMessageContaining("'sip.max-connections' must be a whole number, got 'lots'")
        .hasMessageContaining("'registrar.persist-interval' must be a duration")
        .hasMessageContaining("unknown configuration key 'sip.nope'")
        .hasMessageContaining("registrar.min-expires");
  }

  @Test
  void aValueOfTheWrongKindInAFileIsNamedWithItsKeyNeverAJavaType() throws Exception {
    Path file = dir.resolve("kinds.yaml");
    Files.writeString(file, "sip:\n  max-connections: lots\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'sip.max-connections' must be a whole number, got 'lots'")
        .hasMessageNotContaining("deserialize");
    Files.writeString(file, "registrar:\n  persist-interval: soon\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of()))
        .hasMessageStartingWith(
            "'registrar.persist-interval' must be a duration such as 500ms, 10s, 5m, 2h or 14d");
  }

  @Test
  void trustedProxiesAreAddressesOrPrefixesNeverNames() {
    assertThat(
            ConfigLoader.load(
                    null, Map.of(), List.of("http.trusted-proxies=127.0.0.1,10.0.0.0/8,fd00::/8"))
                .http()
                .trustedProxies())
        .containsExactly("127.0.0.1", "10.0.0.0/8", "fd00::/8");
    for (String bad : new String[] {"proxy.example.com", "10.0.0.0/33", "300.1.1.1", "10.0.0.0/"}) {
      assertThatThrownBy(
              () -> ConfigLoader.load(null, Map.of(), List.of("http.trusted-proxies=" + bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(
              "http.trusted-proxies: '" + bad + "' is not an IP address or a CIDR");
    }
  }

  @Test
  void twoServicesOnOnePortAreNamedBeforeEitherStarts() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("http.port=5060", "sip.tcp-port=5060")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port and sip.tcp-port are both 5060")
        .hasMessageContaining("change one");
    // UDP and TCP are different ports of the same number
    assertThat(
            ConfigLoader.load(
                    null,
                    Map.of(),
                    List.of(
                        "stun.port=5060",
                        "sip.udp-port=5070",
                        "sip.tcp-port=5061",
                        "sip.tls-port=5062"))
                .stun()
                .port())
        .isEqualTo(5060);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("stun.port=5060")))
        .hasMessageContaining("stun.port and sip.udp-port are both 5060");
  }

  @Test
  void badValuesSayWhichKeyAndWhy() throws Exception {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("EVERTONE_SIP_UDP_PORT", "five"), List.of()))
        .hasMessageContaining("'sip.udp-port' must be a whole number")
        .hasMessageContaining("EVERTONE_SIP_UDP_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("sip.udp-port=70000")))
        .hasMessageContaining("sip.udp-port must be a port");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("registrar.min-expires=10 minutes")))
        .hasMessage(
            "'registrar.min-expires' must be a duration such as 500ms, 10s, 5m, 2h or 14d,"
                + " got '10 minutes' (from --set registrar.min-expires=10 minutes)");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("log.format=xml")))
        .hasMessageContaining("log.format must be text or json");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("tls.engine=openssl")))
        .hasMessageContaining("tls.engine must be auto, boringssl or jdk");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("sip.udp-port=-1", "sip.tcp-port=-1")))
        .hasMessageContaining("at least one of udp-port and tcp-port");
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "sip: [unclosed\n");
    assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of(), List.of()))
        .hasMessageContaining("is not valid YAML");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), List.of()))
        .hasMessageContaining("does not exist");
    Path section = dir.resolve("section.yaml");
    Files.writeString(section, "sip: 5\n");
    assertThatThrownBy(() -> ConfigLoader.load(section, Map.of(), List.of()))
        .hasMessageContaining("holds a section of keys");
  }

  @Test
  void describeShowsEffectiveValuesAndMasksTheNonceSecret() {
    ServerConfig c =
        ConfigLoader.load(
            null,
            Map.of(),
            List.of("auth.nonce-secret=c2VjcmV0c2VjcmV0c2VjcmV0", "sip.timers.t1=250ms"));
    String text = ConfigLoader.describe(c);
    assertThat(text)
        .contains("nonce-secret: \"(set)\"")
        .doesNotContain("c2VjcmV0")
        .contains("t1: \"250ms\"");
    assertThat(ConfigLoader.defaultsText()).contains("# Durations take a unit");
  }

  @Test
  void recordingSettingsHaveDefaultsAndEachBadValueIsNamedWithWhatIsAccepted() {
    ServerConfig c =
        ConfigLoader.load(
            null,
            Map.of("EVERTONE_MEDIA_RECORDING_DOMAINS", "sales.example.com=all,legal.example=never"),
            List.of("data-dir=/var/lib/evertone", "media.recording.retention=30d"));
    var r = Settings.recording(c);
    assertThat(r.directory()).isEqualTo(java.nio.file.Path.of("/var/lib/evertone/recordings"));
    assertThat(r.policyFor("sales.example.com").wire()).isEqualTo("all");
    assertThat(r.policyFor("legal.example").wire()).isEqualTo("never");
    assertThat(r.policyFor("other.example").wire()).isEqualTo("on-demand");
    assertThat(r.retention()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(r.announce()).isFalse();
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("media.recording.policy=sometimes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "media.recording.policy must be never, on-demand or all, was 'sometimes'");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("media.recording.domains=example.com")))
        .hasMessageContaining("media.recording.domains: 'example.com' is not domain=policy");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("media.recording.retention=soon")))
        .hasMessageContaining("'media.recording.retention' must be a duration");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("media.recording.jitter-delay=1s")))
        .hasMessageContaining("media.recording.jitter-delay must be 20ms to 500ms");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of("media.recording.max-backlog=1h")))
        .hasMessageContaining("media.recording.max-backlog must be 1s to 10m");
  }
}
