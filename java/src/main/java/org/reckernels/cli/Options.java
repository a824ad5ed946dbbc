package org.reckernels.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one command, checked against the names it accepts. */
final class Options {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    Options(String command, String[] args, Set<String> accepted) {
        this.command = command;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !accepted.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "' (accepted: --" + String.join(", --", accepted) + ")");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    int integer(String name, int dflt) {
        String v = values.get(name);
        try {
            return v == null ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + " --" + name + " '" + v + "': not an integer");
        }
    }

    float number(String name, float dflt) {
        String v = values.get(name);
        try {
            return v == null ? dflt : Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + " --" + name + " '" + v + "': not a number");
        }
    }
}
