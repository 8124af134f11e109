package io.switchboard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Help whose option and command lists wrap descriptions only at spaces. Picocli wraps with the JDK's
 * line {@link java.text.BreakIterator}, which allows a break after every dot before a letter, so
 * {@code ./credentials.yaml} came out as {@code ./credentials.} / {@code yaml} and
 * {@code .switchboard/demo} as {@code .} / {@code switchboard/demo}. Here a description that does not
 * fit its column is split at the last space that fits, line by line, before picocli sees it; only a
 * single word wider than the whole column is left to picocli.
 */
final class WordWrappingHelp extends CommandLine.Help {

    WordWrappingHelp(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    /** The factory to install on a command line (it reaches every subcommand). */
    static CommandLine.IHelpFactory factory() {
        return WordWrappingHelp::new;
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
        Layout picocli = super.createDefaultLayout(options, positionals, scheme);
        return new Layout(scheme, SpaceWrappingTable.of(picocli.textTable(), scheme), picocli.optionRenderer(), picocli.parameterRenderer());
    }

    @Override
    public TextTable createTextTable(Map<?, ?> params) {
        return SpaceWrappingTable.of(super.createTextTable(params), colorScheme());
    }

    /**
     * Picocli's command list (same columns: names up to half the width, then the first line of the
     * header or description), built on a table that wraps at spaces. Picocli builds this table itself,
     * so it cannot be reached through {@link #createTextTable}.
     */
    @Override
    public String commandList(Map<String, CommandLine.Help> subcommands) {
        if (subcommands.isEmpty()) {
            return "";
        }
        int width = commandSpec().usageMessage().width();
        int names = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
        TextTable table = SpaceWrappingTable.of(TextTable.forColumns(colorScheme(),
                new Column(names + 2, 2, Column.Overflow.SPAN), new Column(width - (names + 2), 2, Column.Overflow.WRAP)), colorScheme());
        table.setAdjustLineBreaksForWideCJKCharacters(commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters());
        for (CommandLine.Help help : subcommands.values()) {
            CommandLine.Model.UsageMessageSpec usage = help.commandSpec().usageMessage();
            String summary = usage.header().length > 0 ? usage.header()[0] : usage.description().length > 0 ? usage.description()[0] : "";
            Text[] lines = colorScheme().text(summary.replace("%n", System.lineSeparator())).splitLines();
            for (int i = 0; i < lines.length; i++) {
                table.addRowValues(i == 0 ? help.commandNamesText(", ") : colorScheme().text(""), lines[i]);
            }
        }
        return table.toString();
    }

    /** A text table whose wrapping columns break lines at spaces. */
    static final class SpaceWrappingTable extends TextTable {

        private final ColorScheme scheme;

        private SpaceWrappingTable(ColorScheme scheme, Column[] columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        static SpaceWrappingTable of(TextTable picocli, ColorScheme scheme) {
            SpaceWrappingTable table = new SpaceWrappingTable(scheme, picocli.columns());
            table.indentWrappedLines = picocli.indentWrappedLines;
            table.setAdjustLineBreaksForWideCJKCharacters(picocli.isAdjustLineBreaksForWideCJKCharacters());
            return table;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            int room = column.width - column.indent;
            if (column.overflow != Column.Overflow.WRAP || value == null || value.plainString().length() <= room) {
                return super.putValue(row, col, value);
            }
            List<String> lines = wrap(value.plainString(), room, room - indentWrappedLines);
            Cell last = null;
            for (int i = 0; i < lines.size(); i++) {
                while (rowCount() <= row + i) {
                    addEmptyRow();
                }
                String line = (i == 0 ? "" : " ".repeat(indentWrappedLines)) + lines.get(i);
                last = super.putValue(row + i, col, scheme.ansi().new Text(line, scheme));
            }
            return last;
        }

        /** Greedy wrap at spaces: the first line up to {@code first} characters, the others up to {@code rest}. */
        static List<String> wrap(String text, int first, int rest) {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.trim().split(" +")) {
                int room = lines.isEmpty() ? first : rest;
                if (line.length() > 0 && line.length() + 1 + word.length() > room) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(word);
            }
            if (line.length() > 0) {
                lines.add(line.toString());
            }
            return lines;
        }
    }
}
