using System;
using System.Collections.Generic;
using System.Globalization;

namespace ParabolaSample;

/// <summary>The options of the sample: <c>--steps N</c> and <c>--rate R</c>.</summary>
/// <param name="Steps">How many gradient-descent steps to take (at least 1).</param>
/// <param name="Rate">The learning rate (a finite number greater than 0).</param>
public sealed record ParabolaOptions(int Steps, double Rate)
{
    /// <summary>The number of steps when <c>--steps</c> is not given.</summary>
    public const int DefaultSteps = 20;

    /// <summary>The learning rate when <c>--rate</c> is not given.</summary>
    public const double DefaultRate = 0.1;

    /// <summary>The largest accepted <c>--steps</c>.</summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>The options when none are given.</summary>
    public static ParabolaOptions Default { get; } = new(DefaultSteps, DefaultRate);

    /// <summary>The usage line printed with errors and for <c>--help</c>.</summary>
    public const string Usage = "usage: Parabola [--steps N] [--rate R]   (defaults: --steps 20 --rate 0.1)";

    /// <summary>The outcome of <see cref="Parse"/>: options, or an error message, or neither when help was asked for.</summary>
    public sealed record ParseResult(ParabolaOptions? Options, string? Error);

    /// <summary>Parses <c>--steps N</c>, <c>--rate R</c> (also as <c>--name=value</c>) and <c>--help</c>.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int steps = DefaultSteps;
        double rate = DefaultRate;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new ParseResult(null, null);
            }

            string name = arg;
            string? value = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }

            if (name is not ("--steps" or "--rate"))
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

            if (name == "--steps")
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out steps) || steps < 1 || steps > MaxSteps)
                {
                    return Fail($"invalid value '{value}' for option '--steps': expected a whole number from 1 to {MaxSteps}");
                }
            }
            else if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || !double.IsFinite(rate) || rate <= 0)
            {
                return Fail($"invalid value '{value}' for option '--rate': expected a number greater than 0, such as 0.1");
            }
        }
        return new ParseResult(new ParabolaOptions(steps, rate), null);
    }

    private static ParseResult Fail(string message) => new(null, message);
}
