using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace AutoDiffGen.Samples;

/// <summary>
/// The command line that both gradient-descent samples accept: <c>--&lt;count&gt; N</c> (how many steps or epochs),
/// <c>--rate R</c>, <c>--plot FILE.png</c> and <c>--help</c>, also written as <c>--name=value</c>. Each sample names
/// its count option and gives its defaults and maximum.
/// </summary>
/// <remarks>
/// This file is compiled into each sample (see the samples' project files), so the type is <c>internal</c>: a
/// public copy in each sample assembly would make the name ambiguous for a project that references both.
/// </remarks>
internal sealed class DescentCommandLine
{
    /// <summary>Exit code for success, and for <c>--help</c>.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Describes a sample's command line.</summary>
    /// <param name="program">The program name shown in the usage line, such as <c>Parabola</c>.</param>
    /// <param name="countOption">The option that sets the number of steps, with its dashes, such as <c>--steps</c>.</param>
    /// <param name="defaultCount">The count when <paramref name="countOption"/> is not given.</param>
    /// <param name="maxCount">The largest accepted count (the smallest is 1).</param>
    /// <param name="defaultRate">The learning rate when <c>--rate</c> is not given.</param>
    public DescentCommandLine(string program, string countOption, int defaultCount, int maxCount, double defaultRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        ArgumentException.ThrowIfNullOrWhiteSpace(countOption);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, defaultCount);
        if (!double.IsFinite(defaultRate) || defaultRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultRate), defaultRate, "The default rate must be a finite number greater than 0.");
        }

        CountOption = countOption;
        DefaultCount = defaultCount;
        MaxCount = maxCount;
        DefaultRate = defaultRate;
        // Built from the same values the parser uses, so the defaults it shows cannot drift from the real ones.
        Usage = FormattableString.Invariant(
            $"usage: {program} [{countOption} N] [--rate R] {PlotFile.Usage}   (defaults: {countOption} {defaultCount} --rate {defaultRate})");
    }

    /// <summary>The option that sets the number of steps, such as <c>--steps</c>.</summary>
    public string CountOption { get; }

    /// <summary>The count when <see cref="CountOption"/> is not given.</summary>
    public int DefaultCount { get; }

    /// <summary>The largest accepted count.</summary>
    public int MaxCount { get; }

    /// <summary>The learning rate when <c>--rate</c> is not given.</summary>
    public double DefaultRate { get; }

    /// <summary>The usage line printed with errors and for <c>--help</c>.</summary>
    public string Usage { get; }

    /// <summary>
    /// Parses <paramref name="args"/>, then either runs <paramref name="run"/> with the options and returns
    /// <see cref="Success"/>, prints the usage line for <c>--help</c> and returns <see cref="Success"/>, or prints the
    /// error and the usage line to <paramref name="error"/> and returns <see cref="UsageError"/>.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where the sample prints.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="run">
    /// Runs the sample and returns how to draw what it computed into a PNG file at a given path. It is called only when
    /// <c>--plot</c> was given; if the file cannot be written, the error is printed and the exit code is
    /// <see cref="PlotFile.WriteFailed"/>.
    /// </param>
    public int Run(string[] args, TextWriter output, TextWriter error, Func<TextWriter, DescentOptions, Action<string>> run)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(run);

        ParseResult parsed = Parse(args);
        if (parsed.Error is not null)
        {
            error.WriteLine($"error: {parsed.Error}");
            error.WriteLine(Usage);
            return UsageError;
        }
        if (parsed.Options is null)
        {
            output.WriteLine(Usage);
            return Success;
        }

        DescentOptions options = parsed.Options;
        Action<string> draw = run(output, options);
        if (options.PlotPath is not null && !PlotFile.TryWrite(options.PlotPath, draw, output, error))
        {
            return PlotFile.WriteFailed;
        }
        return Success;
    }

    /// <summary>Parses <c>--&lt;count&gt; N</c>, <c>--rate R</c>, <c>--plot FILE.png</c> (also as <c>--name=value</c>) and <c>--help</c>.</summary>
    public ParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int count = DefaultCount;
        double rate = DefaultRate;
        string? plotPath = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new ParseResult(null, null);
            }

            (string name, string? value) = OptionArgument.Split(arg);

            bool isCount = name == CountOption;
            if (!isCount && name != "--rate" && name != PlotFile.Option)
            {
                return Fail($"unknown argument '{arg}'");
            }
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return Fail($"option '{name}' needs a value");
                }
                value = args[++i];
            }

            if (name == PlotFile.Option)
            {
                if (PlotFile.Check(value) is string plotError)
                {
                    return Fail(plotError);
                }
                plotPath = value;
            }
            else if (isCount)
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxCount)
                {
                    return Fail(FormattableString.Invariant(
                        $"invalid value '{value}' for option '{CountOption}': expected a whole number from 1 to {MaxCount}"));
                }
            }
            else if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || !double.IsFinite(rate) || rate <= 0)
            {
                return Fail($"invalid value '{value}' for option '--rate': expected a number greater than 0, such as 0.1");
            }
        }
        return new ParseResult(new DescentOptions(count, rate, plotPath), null);
    }

    private static ParseResult Fail(string message) => new(null, message);

    /// <summary>The outcome of <see cref="Parse"/>: options, or an error message, or neither when help was asked for.</summary>
    public sealed record ParseResult(DescentOptions? Options, string? Error);
}

/// <summary>The parsed options of a sample.</summary>
/// <param name="Count">How many steps or epochs of gradient descent to run (at least 1).</param>
/// <param name="Rate">The learning rate (a finite number greater than 0).</param>
/// <param name="PlotPath">The PNG file to draw the run into, or null for no picture.</param>
internal sealed record DescentOptions(int Count, double Rate, string? PlotPath = null);
