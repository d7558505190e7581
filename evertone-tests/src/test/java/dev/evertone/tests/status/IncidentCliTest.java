package dev.evertone.tests.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.Actor;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evertone incident} as an operator types it: on the local store, and on a running server
 * through the admin API.
 */
class IncidentCliTest {
  @TempDir Path dir;

  private Cli.Result run(String... args) {
    return Cli.execute(Map.of("EVERTONE_DATA_DIR", dir.toString(), "USER", "alice"), "", args);
  }

  private static String id(Cli.Result r) {
    Matcher m = Pattern.compile("^([a-z0-9]{12})  ").matcher(r.out());
    assertThat(m.find()).as(r.out() + r.err()).isTrue();
    return m.group(1);
  }

  @Test
  void declareUpdateResolveAndPublishAPostmortemOnTheLocalStore() throws Exception {
    assertThat(run("incident", "components").out())
        .contains("sip-registration", "SIP Registration", "Voice", "operational");
    Cli.Result declared =
        run(
            "incident",
            "declare",
            "Calls to mobile networks failing",
            "--impact",
            "major",
            "--component",
            "outgoing-calls=partial_outage",
            "-m",
            "Some calls to mobile numbers fail.");
    assertThat(declared.code()).as(declared.err()).isZero();
    String id = id(declared);
    assertThat(declared.out())
        .contains("[investigating, impact major]", "components: outgoing-calls=partial_outage")
        .contains("declared by cli:alice");
    assertThat(run("incident", "components").out())
        .containsPattern("outgoing-calls\\s+Outgoing Calls\\s+Voice\\s+partial_outage");

    assertThat(
            run(
                    "incident",
                    "update",
                    id,
                    "--status",
                    "identified",
                    "-m",
                    "A carrier refuses our calls.")
                .out())
        .contains("identified     A carrier refuses our calls.");
    Cli.Result early =
        run(
            "incident",
            "postmortem",
            id,
            "--file",
            Files.writeString(dir.resolve("pm.txt"), "What happened.", StandardCharsets.UTF_8)
                .toString());
    assertThat(early.code()).isEqualTo(1);
    assertThat(early.err()).contains("a postmortem is published after an incident is resolved");
    assertThat(run("incident", "resolve", id).out())
        .contains("[resolved, impact major]", "This incident has been resolved.");
    assertThat(run("incident", "postmortem", id, "--file", dir.resolve("pm.txt").toString()).out())
        .contains("What happened.");
    assertThat(run("incident", "list").out())
        .containsPattern(
            id + "\\s+\\S+\\s+resolved\\s+major\\s+Calls to mobile networks failing\\s+cli:alice");
    assertThat(run("incident", "list", "--open").out()).contains("no open incident");
    assertThat(run("audit").out())
        .contains("status.incident.declare", "status.incident.postmortem")
        .contains("cli:alice");

    Cli.Result bad = run("incident", "declare", "x", "--impact", "severe", "-m", "y");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err())
        .isEqualTo(
            "error: impact: 'severe' is not one of none, minor, major, critical, maintenance\n");
    assertThat(
            run(
                    "incident",
                    "declare",
                    "x",
                    "--impact",
                    "minor",
                    "-m",
                    "y",
                    "--component",
                    "webphone")
                .err())
        .contains("is not ID=STATUS");
    assertThat(
            run(
                    "incident",
                    "maintenance",
                    "Upgrade",
                    "--start",
                    "+1h",
                    "--end",
                    "+2h",
                    "--component",
                    "provisioning",
                    "-m",
                    "Short pauses.")
                .out())
        .contains("[scheduled, impact maintenance]", "scheduled ");
  }

  @Test
  void theSameCommandsOnARunningServer() throws Exception {
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      String token = fx.server.store().tokens().create("noc", Actor.local("test"));
      Map<String, String> env =
          Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token, "USER", "alice");
      Cli.Result declared =
          Cli.execute(
              env,
              "",
              "incident",
              "declare",
              "Registrations slow",
              "--impact",
              "minor",
              "--component",
              "sip-registration=degraded_performance",
              "-m",
              "Looking.");
      assertThat(declared.code()).as(declared.err()).isZero();
      String id = id(declared);
      assertThat(Cli.execute(env, "", "incident", "show", id).out())
          .contains("Registrations slow", "investigating  Looking.");
      assertThat(fx.status().service().incident(id).updates()).hasSize(1);
      Cli.Result wrong =
          Cli.execute(env, "", "incident", "update", id, "--status", "in_progress", "-m", "x");
      assertThat(wrong.code()).isEqualTo(1);
      assertThat(wrong.err()).contains("not a status of an incident");
      assertThat(Cli.execute(env, "", "incident", "resolve", id, "-m", "Fine again.").out())
          .contains("resolved       Fine again.");
      assertThat(fx.server.store().audit().list(null, null, 5).get(0).actor())
          .isEqualTo("token:noc");
    }
  }
}
