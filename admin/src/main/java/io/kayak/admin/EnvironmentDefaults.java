package io.kayak.admin;

import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults of the connection options taken from the environment, so a shell can point every command at one cluster
 * once ({@code eval "$(bin/kayak-cluster.sh env)"} sets both for the local nodes of conf/):
 * {@value #BOOTSTRAP_ENV} for {@code --bootstrap-server} and {@value #HTTP_ENV} for {@code --http-server}, in every
 * command that has the option. An option given on the command line wins; without the variable (or with it empty)
 * the option's own default applies. Stateless; the environment is read when a command's defaults are applied.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
    static final String BOOTSTRAP_ENV = "KAYAK_BOOTSTRAP_SERVER";
    static final String HTTP_ENV = "KAYAK_HTTP_SERVER";
    private static final Map<String, String> VARIABLE_BY_OPTION = Map.of("--bootstrap-server", BOOTSTRAP_ENV,
            "--http-server", HTTP_ENV);

    private final UnaryOperator<String> env;

    EnvironmentDefaults(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String variable = VARIABLE_BY_OPTION.get(option.longestName());
        String value = variable == null ? null : env.apply(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
