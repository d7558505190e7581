package dev.evertone.cli;

import dev.evertone.store.Store;
import dev.evertone.store.admin.AdminToken;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Manage admin API tokens. Only a hash of each token is stored; the token is shown once, when created.",
      "Use one: curl -H \"Authorization: Bearer $EVERTONE_TOKEN\" http://127.0.0.1:8080/api/v1/domains",
      "Tokens are managed on the machine that holds the store, never through the API."
    },
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token; its name is the actor in the audit log.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Parameters(
        paramLabel = "NAME",
        description = "A name for who or what uses it, e.g. crm-sync or alice.")
    String name;

    @Override
    public Integer call() {
      CliContext ctx = Main.context(spec);
      try (Store store = Stores.open(ctx, options.load(ctx))) {
        String token = store.tokens().create(name, Session.actor(ctx));
        PrintWriter out = spec.commandLine().getOut();
        out.println("created token " + name + ":");
        out.println(token);
        out.println(
            "(shown only this once; store it in a secret manager, or export EVERTONE_TOKEN=... for the CLI's --server)");
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tokens (names and dates only).")
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      CliContext ctx = Main.context(spec);
      try (Store store = Stores.open(ctx, options.load(ctx))) {
        List<AdminToken> tokens = store.tokens().list();
        PrintWriter out = spec.commandLine().getOut();
        if (tokens.isEmpty()) {
          out.println("no tokens; create one with: evertone token create NAME");
          return 0;
        }
        Table t = new Table("NAME", "CREATED", "BY", "LAST USED");
        tokens.forEach(
            k ->
                t.row(
                    k.name(),
                    k.createdAt().toString(),
                    k.createdBy(),
                    k.lastUsedAt() == null ? "never" : k.lastUsedAt().toString()));
        t.print(out);
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token: calls with it are refused at once.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Parameters(paramLabel = "NAME", description = "The token's name.")
    String name;

    @Override
    public Integer call() {
      CliContext ctx = Main.context(spec);
      try (Store store = Stores.open(ctx, options.load(ctx))) {
        store.tokens().revoke(name, Session.actor(ctx));
        spec.commandLine().getOut().println("revoked token " + name);
      }
      return 0;
    }
  }
}
