package dev.evertone.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where a provisioning command runs: on the local store (the default), or on a running server
 * through its admin API ({@code --server}, with a token from {@code $EVERTONE_TOKEN} or {@code
 * --token-file}; never on the command line, where other users of the machine could read it).
 */
public final class RemoteOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Run on this server's admin API, e.g. http://127.0.0.1:8080 (default: $EVERTONE_SERVER; if neither, the local store).")
  @Nullable String server;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the admin API token for --server (default: $EVERTONE_TOKEN). Create one with 'evertone token create'.")
  @Nullable Path tokenFile;

  /** The server URL, or null for the local store. */
  @Nullable String server(CliContext ctx) {
    return server != null ? server : ctx.env().get("EVERTONE_SERVER");
  }

  /**
   * The server for a command that only a running server can answer ({@code command}, e.g. "tls
   * reload").
   */
  RemoteProvisioning running(CliContext ctx, String command) {
    String url = server(ctx);
    if (url == null) {
      throw new IllegalArgumentException(
          command + " talks to a running server: give --server URL (or set $EVERTONE_SERVER)");
    }
    return new RemoteProvisioning(url, token(ctx));
  }

  String token(CliContext ctx) {
    if (tokenFile != null) {
      try {
        return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the token file " + tokenFile + ": " + e.getMessage());
      }
    }
    String token = ctx.env().get("EVERTONE_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "--server needs a token: put it in $EVERTONE_TOKEN or a file named by --token-file "
              + "(create one on the server with 'evertone token create NAME')");
    }
    return token.strip();
  }
}
