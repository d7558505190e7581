package dev.evertone.tls;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Loads device trust profiles: the ones shipped with evertone, then every {@code *.yaml} of a
 * directory (a file with the name of a built-in one replaces it). A profile file:
 *
 * <pre>
 * description: Phones on OpenSSL 1.0.x firmware
 * path-building: legacy          # or modern
 * user-agents: ["^OldPhone/1\\."]  # regular expressions, matched against User-Agent
 * roots: oldphone-roots.pem      # PEM bundle next to this file, or "system" for the JDK's roots
 * </pre>
 */
public final class TrustProfiles {
  /** Profiles shipped in the jar, under {@code /trust-profiles/}. */
  public static final List<String> BUILT_IN = List.of("modern", "legacy-openssl-1.0");

  public static final String SYSTEM_ROOTS = "system";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private TrustProfiles() {}

  /** The file format. */
  record ProfileFile(
      @Nullable String description,
      @JsonProperty(required = true) String pathBuilding,
      @Nullable List<String> userAgents,
      @JsonProperty(required = true) String roots) {}

  /**
   * The built-in profiles, then those of {@code dir} (may be null or missing), by name in that
   * order.
   */
  public static Map<String, TrustProfile> load(@Nullable Path dir) {
    Map<String, TrustProfile> out = new LinkedHashMap<>();
    for (String name : BUILT_IN) {
      String resource = "/trust-profiles/" + name + ".yaml";
      try (InputStream in = TrustProfiles.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing " + resource);
        }
        out.put(name, toProfile(name, YAML.readValue(in, ProfileFile.class), null, "built in"));
      } catch (IOException e) {
        throw new IllegalStateException("built-in profile " + name + " does not parse", e);
      }
    }
    if (dir != null && Files.isDirectory(dir)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.yaml")) {
        ds.forEach(files::add);
      } catch (IOException e) {
        throw new TlsException("cannot list trust profiles in " + dir + ": " + e.getMessage(), e);
      }
      files.sort(null);
      for (Path f : files) {
        String name = f.getFileName().toString().replaceFirst("\\.yaml$", "");
        out.put(name, read(f));
      }
    }
    return out;
  }

  /** One profile file; its name is the file name without {@code .yaml}. */
  public static TrustProfile read(Path file) {
    String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
    ProfileFile parsed;
    try {
      parsed = YAML.readValue(file.toFile(), ProfileFile.class);
    } catch (IOException e) {
      throw new TlsException(
          "trust profile "
              + file
              + " is not valid: "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          e);
    }
    return toProfile(name, parsed, file.toAbsolutePath().getParent(), file.toString());
  }

  private static TrustProfile toProfile(
      String name, ProfileFile f, @Nullable Path dir, String source) {
    PathBuilding building;
    try {
      building = PathBuilding.valueOf(f.pathBuilding().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TlsException(
          "trust profile "
              + source
              + ": path-building must be modern or legacy, not '"
              + f.pathBuilding()
              + "'");
    }
    List<Pattern> agents = new ArrayList<>();
    for (String p : f.userAgents() == null ? List.<String>of() : f.userAgents()) {
      try {
        agents.add(Pattern.compile(p));
      } catch (PatternSyntaxException e) {
        throw new TlsException(
            "trust profile "
                + source
                + ": user-agent pattern '"
                + p
                + "' is not a regular expression: "
                + e.getDescription());
      }
    }
    List<X509Certificate> roots;
    if (SYSTEM_ROOTS.equals(f.roots().trim())) {
      roots = systemRoots();
    } else if (dir == null) {
      throw new IllegalStateException("built-in profile " + name + " must use the system roots");
    } else {
      roots = Pem.certificates(dir.resolve(f.roots().trim()));
    }
    return new TrustProfile(
        name, f.description() == null ? "" : f.description(), building, roots, agents, source);
  }

  /** The roots of the JDK's default trust store (its cacerts, the Mozilla programme). */
  public static List<X509Certificate> systemRoots() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return List.of(x.getAcceptedIssuers());
        }
      }
      return List.of();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK trust store cannot be read", e);
    }
  }
}
