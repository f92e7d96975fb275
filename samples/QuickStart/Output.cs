using Spectre.Console;

namespace QuickStart;

/// <summary>Console output: Spectre.Console tables and progress bars on a terminal, plain text otherwise.</summary>
internal static class Output
{
    public static bool Interactive { get; } = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static void Section(string title)
    {
        if (Interactive)
        {
            AnsiConsole.Write(new Rule($"[bold yellow]{Markup.Escape(title)}[/]").LeftJustified());
        }
        else
        {
            Console.WriteLine($"\n== {title}");
        }
    }

    public static void Line(string text)
    {
        if (Interactive)
        {
            AnsiConsole.MarkupLine($"  {Markup.Escape(text)}");
        }
        else
        {
            Console.WriteLine($"  {text}");
        }
    }

    /// <summary>A table; columns whose header starts with '&gt;' are right-aligned.</summary>
    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var body = rows.ToList();
        var right = headers.Select(h => h.StartsWith('>')).ToArray();
        var names = headers.Select(h => h.TrimStart('>')).ToArray();
        if (Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded);
            for (var i = 0; i < names.Length; i++)
            {
                table.AddColumn(new TableColumn(Markup.Escape(names[i])) { Alignment = right[i] ? Justify.Right : Justify.Left });
            }

            foreach (var row in body)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
            return;
        }

        var widths = names.Select((n, i) => body.Select(r => r[i].Length).Append(n.Length).Max()).ToArray();
        string Format(IReadOnlyList<string> cells) =>
            "  " + string.Join("  ", cells.Select((c, i) => right[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine(Format(names));
        foreach (var row in body)
        {
            Console.WriteLine(Format(row));
        }
    }

    /// <summary>Runs the steps one after another, each with a progress bar (or a line when done, off a terminal).</summary>
    public static async Task ProgressAsync(IReadOnlyList<ProgressStep> steps)
    {
        if (Interactive)
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var tasks = steps.Select(s => context.AddTask(s.Name, autoStart: false, maxValue: s.Total)).ToList();
                    for (var i = 0; i < steps.Count; i++)
                    {
                        tasks[i].StartTask();
                        var task = tasks[i];
                        await steps[i].Run(done => task.Value = done);
                        task.Value = task.MaxValue;
                        task.StopTask();
                    }
                });
            return;
        }

        foreach (var step in steps)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await step.Run(_ => { });
            Console.WriteLine($"  {step.Name}: {step.Total:N0} rows in {started.Elapsed.TotalSeconds:0.0} s");
        }
    }
}

/// <summary>One ingest step: <see cref="Run"/> reports the rows done so far.</summary>
internal sealed record ProgressStep(string Name, double Total, Func<Action<double>, Task> Run);
