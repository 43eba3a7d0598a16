using System;
using System.Collections.Generic;
using System.Globalization;

namespace ToyRegressionSample;

/// <summary>The options of the sample: <c>--epochs N</c> and <c>--rate R</c>.</summary>
/// <param name="Epochs">How many epochs of gradient descent to run (at least 1).</param>
/// <param name="Rate">The learning rate (a finite number greater than 0).</param>
public sealed record ToyRegressionOptions(int Epochs, double Rate)
{
    /// <summary>The number of epochs when <c>--epochs</c> is not given.</summary>
    public const int DefaultEpochs = 2000;

    /// <summary>The learning rate when <c>--rate</c> is not given.</summary>
    public const double DefaultRate = 0.1;

    /// <summary>The largest accepted <c>--epochs</c>.</summary>
    public const int MaxEpochs = 100_000_000;

    /// <summary>The options when none are given.</summary>
    public static ToyRegressionOptions Default { get; } = new(DefaultEpochs, DefaultRate);

    /// <summary>The usage line printed with errors and for <c>--help</c>.</summary>
    public const string Usage = "usage: ToyRegression [--epochs N] [--rate R]   (defaults: --epochs 2000 --rate 0.1)";

    /// <summary>The outcome of <see cref="Parse"/>: options, or an error message, or neither when help was asked for.</summary>
    public sealed record ParseResult(ToyRegressionOptions? Options, string? Error);

    /// <summary>Parses <c>--epochs N</c>, <c>--rate R</c> (also as <c>--name=value</c>) and <c>--help</c>.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int epochs = DefaultEpochs;
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

            if (name is not ("--epochs" or "--rate"))
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

            if (name == "--epochs")
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out epochs) || epochs < 1 || epochs > MaxEpochs)
                {
                    return Fail($"invalid value '{value}' for option '--epochs': expected a whole number from 1 to {MaxEpochs}");
                }
            }
            else if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || !double.IsFinite(rate) || rate <= 0)
            {
                return Fail($"invalid value '{value}' for option '--rate': expected a number greater than 0, such as 0.1");
            }
        }
        return new ParseResult(new ToyRegressionOptions(epochs, rate), null);
    }

    private static ParseResult Fail(string message) => new(null, message);
}
