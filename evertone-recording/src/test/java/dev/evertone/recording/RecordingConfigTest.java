package dev.evertone.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordingConfigTest {
  private static RecordingConfig with(
      RecordingPolicy policy, Map<String, RecordingPolicy> domains) {
    return new RecordingConfig(
        Path.of("rec"),
        policy,
        domains,
        Duration.ZERO,
        false,
        Duration.ofMillis(60),
        Duration.ofSeconds(10));
  }

  @Test
  void aDomainsOwnPolicyOverridesTheDefaultWhateverItsCase() {
    RecordingConfig c =
        with(
            RecordingPolicy.ON_DEMAND,
            RecordingConfig.domains(List.of("Sales.Example.com=all", "legal.example=never")));
    assertThat(c.policyFor("sales.example.com")).isEqualTo(RecordingPolicy.ALL);
    assertThat(c.policyFor("LEGAL.example")).isEqualTo(RecordingPolicy.NEVER);
    assertThat(c.policyFor("other.example")).isEqualTo(RecordingPolicy.ON_DEMAND);
    assertThat(c.policySource("legal.example"))
        .isEqualTo("media.recording.domains sets legal.example=never");
    assertThat(c.policySource("other.example")).isEqualTo("media.recording.policy is on-demand");
  }

  @Test
  void aPolicyThatIsNotOneOfTheThreeIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> RecordingPolicy.parse("sometimes", "media.recording.policy"))
        .hasMessage("media.recording.policy must be never, on-demand or all, was 'sometimes'");
    assertThatThrownBy(() -> RecordingConfig.domains(List.of("example.com=always")))
        .hasMessage(
            "media.recording.domains (example.com) must be never, on-demand or all, was 'always'");
  }

  @Test
  void aDomainEntryMustBeDomainEqualsPolicyAndNameEachDomainOnce() {
    assertThatThrownBy(() -> RecordingConfig.domains(List.of("example.com")))
        .hasMessageContaining("'example.com' is not domain=policy (e.g. example.com=all");
    assertThatThrownBy(() -> RecordingConfig.domains(List.of("bad domain=all")))
        .hasMessageContaining("'bad domain=all' is not domain=policy");
    assertThatThrownBy(() -> RecordingConfig.domains(List.of("a.example=all", "A.example=never")))
        .hasMessage("media.recording.domains names a.example twice; give each domain once");
  }

  @Test
  void limitsOutsideTheirRangesAreRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                new RecordingConfig(
                    Path.of("r"),
                    RecordingPolicy.ALL,
                    Map.of(),
                    Duration.ofDays(-1),
                    false,
                    Duration.ofMillis(60),
                    Duration.ofSeconds(10)))
        .hasMessageContaining("media.recording.retention must be 0d");
    assertThatThrownBy(
            () ->
                new RecordingConfig(
                    Path.of("r"),
                    RecordingPolicy.ALL,
                    Map.of(),
                    Duration.ZERO,
                    false,
                    Duration.ofMillis(5),
                    Duration.ofSeconds(10)))
        .hasMessage("media.recording.jitter-delay must be 20ms to 500ms, was PT0.005S");
    assertThatThrownBy(
            () ->
                new RecordingConfig(
                    Path.of("r"),
                    RecordingPolicy.ALL,
                    Map.of(),
                    Duration.ZERO,
                    false,
                    Duration.ofMillis(60),
                    Duration.ofMillis(100)))
        .hasMessageContaining("media.recording.max-backlog must be 1s to 10m");
  }
}
