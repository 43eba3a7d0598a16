using System;
using System.Globalization;
using System.IO;
using System.Linq;
using ParabolaSample;
using ToyRegressionSample;

namespace AutoDiffGen.Tests;

/// <summary>
/// The samples compute what a hand calculation says they should: the toy regression's forward pass, loss, gradient
/// and least-squares fit, the parabola's and the bowl's derivatives and descent, and the command lines' exit codes.
/// </summary>
public class SampleTests
{
    // The toy regression's data and starting point, written out here rather than read from the sample, so that the
    // expected values below are computed from the numbers the README states.
    private static readonly double[] s_x = [0.1, 0.3, 0.6, 0.7];
    private static readonly double[] s_y = [0.2, 0.25, 0.4, 0.7];
    private const double InitialW = 0.5;
    private const double InitialB = 0.0;

    // By hand: x̄ = 0.425 and ȳ = 0.3875, so Σ(x − x̄)(y − ȳ) = 0.16625 and Σ(x − x̄)² = 0.2275. The fit is
    // W = 0.16625 / 0.2275 = 19/26 and B = ȳ − W·x̄ = 1/13; its residuals are (1.3, −1.2, −3.0, 2.9)/26, so its
    // MSE is 20.54 / 26² / 4.
    private const double LeastSquaresW = 0.16625 / 0.2275;
    private const double LeastSquaresB = 1.0 / 13.0;
    private const double LeastSquaresMse = 20.54 / (26.0 * 26.0) / 4.0;

    /// <summary>What an app entry point returned and wrote.</summary>
    private sealed record AppRun(int ExitCode, string Output, string Error);

    private static StringWriter NewWriter() => new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    private static string[] Lines(StringWriter writer) => writer.ToString().Split('\n');

    private static AppRun RunApp(string sample, string commandLine)
    {
        string[] args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using StringWriter output = NewWriter();
        using StringWriter error = NewWriter();
        int exitCode = sample switch
        {
            "Parabola" => ParabolaApp.Run(args, output, error),
            "ToyRegression" => ToyRegressionApp.Run(args, output, error),
            _ => throw new ArgumentOutOfRangeException(nameof(sample), sample, "No such sample."),
        };
        return new AppRun(exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Toy_regression_uses_the_data_and_starting_point_of_the_readme()
    {
        Assert.Equal(s_x, ToyRegression.X);
        Assert.Equal(s_y, ToyRegression.Y);
        Assert.Equal(InitialW, ToyRegression.InitialW);
        Assert.Equal(InitialB, ToyRegression.InitialB);
    }

    [Fact]
    public void Toy_regression_first_forward_pass_predicts_w_x_plus_b_and_its_mse_is_0_04125()
    {
        ToyRegressionResult result = ToyRegression.Run(TextWriter.Null, epochs: 1, rate: 0.1);

        // 0.5·x + 0: the errors against y are −0.15, −0.1, −0.1, −0.35, whose squares sum to 0.165 = 4 · 0.04125.
        double[] expected = [0.05, 0.15, 0.3, 0.35];
        Assert.Equal(expected.Length, result.InitialPredictions.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], result.InitialPredictions[i], 1e-12);
        }
        Assert.Equal(0.04125, result.InitialMse, 1e-12);
    }

    [Fact]
    public void Toy_regression_prints_the_predictions_and_the_mse_rounded_half_to_even()
    {
        using StringWriter output = NewWriter();
        ToyRegression.Run(output, epochs: 2000, rate: 0.1);
        string text = output.ToString();

        Assert.Contains("predictions W*X + B = [0.05, 0.15, 0.3, 0.35]", text, StringComparison.Ordinal);
        // 0.04125 to 4 decimals, ties to even, is 0.0412 (not 0.0413).
        Assert.Contains("MSE = 0.0412", text, StringComparison.Ordinal);
        Assert.Contains("Gradient descent reached the least-squares fit to 4 decimals.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Toy_regression_after_the_default_epochs_matches_the_closed_form_least_squares()
    {
        ToyRegressionResult result = ToyRegression.Run(TextWriter.Null, epochs: 2000, rate: 0.1);

        Assert.Equal(0.730769230769, LeastSquaresW, 1e-12);
        Assert.Equal(0.076923076923, LeastSquaresB, 1e-12);
        Assert.Equal(LeastSquaresW, result.W, 1e-6);
        Assert.Equal(LeastSquaresB, result.B, 1e-6);
        Assert.Equal(0.0076, result.Mse, 4);
        Assert.Equal(LeastSquaresMse, result.Mse, 1e-9);

        // The sample's own closed form agrees with the hand calculation.
        Assert.Equal(LeastSquaresW, result.ClosedFormW, 1e-12);
        Assert.Equal(LeastSquaresB, result.ClosedFormB, 1e-12);
        Assert.Equal(LeastSquaresMse, result.ClosedFormMse, 1e-12);
        Assert.True(result.MatchesClosedForm);
    }

    [Fact]
    public void Toy_regression_with_no_arguments_runs_2000_epochs_at_rate_0_1()
    {
        using StringWriter expected = NewWriter();
        ToyRegression.Run(expected, epochs: 2000, rate: 0.1);

        AppRun run = RunApp("ToyRegression", "");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected.ToString(), run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Generated_mse_gradient_at_the_starting_point_equals_the_hand_derivative()
    {
        // ∂MSE/∂w = (2/n) Σ (w·x_i + b − y_i)·x_i and ∂MSE/∂b = (2/n) Σ (w·x_i + b − y_i).
        double sumErrorTimesX = 0;
        double sumError = 0;
        for (int i = 0; i < s_x.Length; i++)
        {
            double error = InitialW * s_x[i] + InitialB - s_y[i];
            sumErrorTimesX += error * s_x[i];
            sumError += error;
        }
        double expectedDw = 2.0 / s_x.Length * sumErrorTimesX;
        double expectedDb = 2.0 / s_x.Length * sumError;

        double mse = ToyRegressionModel.MseGradient(InitialW, InitialB, s_x, s_y, out double dW, out double dB);

        Assert.Equal(0.04125, mse, 1e-12);
        Assert.Equal(expectedDw, dW, 1e-12);
        Assert.Equal(expectedDb, dB, 1e-12);
        // The sums worked out: Σ error·x = −0.35 and Σ error = −0.7.
        Assert.Equal(-0.175, dW, 1e-12);
        Assert.Equal(-0.35, dB, 1e-12);
    }

    [Fact]
    public void Parabola_every_returned_derivative_is_exactly_2x()
    {
        ParabolaDemoResult result = ParabolaDescent.Run(TextWriter.Null, 20, 0.1);

        Assert.Equal(21, result.Parabola.Steps.Count);
        foreach (ParabolaStep row in result.Parabola.Steps)
        {
            Assert.Equal(2.0 * row.X, row.Derivative);
            Assert.Equal(row.X * row.X, row.Value);
        }
        Assert.Equal(0.0, result.Parabola.MaxDerivativeError);
    }

    [Fact]
    public void Parabola_every_printed_derivative_is_2x()
    {
        using StringWriter output = NewWriter();
        ParabolaResult result = ParabolaDescent.RunParabola(output, 3.0, 20, 0.1);
        string[] lines = Lines(output);

        foreach (ParabolaStep row in result.Steps)
        {
            // The table row as it would read with 2x, computed here, in the f'(x) column.
            string expected = string.Create(CultureInfo.InvariantCulture, $"{row.Step,5}  {row.X,14:F8}  {row.X * row.X,14:F8}  {2.0 * row.X,14:F8}");
            Assert.Contains(expected, lines);
        }
        Assert.Contains("Largest |f'(x) - 2x| over all steps: 0", lines);
    }

    [Fact]
    public void Parabola_descent_from_3_at_rate_0_1_gives_3_times_0_8_to_the_k()
    {
        // x − 0.1·2x = 0.8x, so after k steps x = 3·0.8^k.
        ParabolaDemoResult result = ParabolaDescent.Run(TextWriter.Null, 20, 0.1);

        foreach (ParabolaStep row in result.Parabola.Steps)
        {
            Assert.Equal(3.0 * Math.Pow(0.8, row.Step), row.X, 1e-12);
        }
        Assert.Equal(20, result.Parabola.Final.Step);
        Assert.Equal(3.0 * Math.Pow(0.8, 20), result.Parabola.Final.X, 1e-12);
    }

    [Fact]
    public void Parabola_with_no_arguments_runs_20_steps_at_rate_0_1()
    {
        using StringWriter expected = NewWriter();
        ParabolaDescent.Run(expected, 20, 0.1);

        AppRun run = RunApp("Parabola", "");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected.ToString(), run.Output);
        Assert.Equal("", run.Error);
    }

    [Theory]
    [InlineData(3.0, -4.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(-1.5, 0.25)]
    [InlineData(1e10, -1e-10)]
    public void Bowl_gradient_is_exactly_2x_2y(double x, double y)
    {
        double z = ParabolaFunctions.BowlGradient(x, y, out double dzdx, out double dzdy);

        Assert.Equal(x * x + y * y, z);
        Assert.Equal(2.0 * x, dzdx);
        Assert.Equal(2.0 * y, dzdy);
    }

    [Fact]
    public void Bowl_descent_returns_2x_2y_at_every_step_and_shrinks_by_0_8()
    {
        ParabolaDemoResult result = ParabolaDescent.Run(TextWriter.Null, 20, 0.1);

        foreach (BowlStep row in result.Bowl.Steps)
        {
            Assert.Equal(2.0 * row.X, row.DzDx);
            Assert.Equal(2.0 * row.Y, row.DzDy);
            Assert.Equal(3.0 * Math.Pow(0.8, row.Step), row.X, 1e-12);
            Assert.Equal(-4.0 * Math.Pow(0.8, row.Step), row.Y, 1e-12);
        }
        Assert.Equal(0.0, result.Bowl.MaxGradientError);
    }

    [Theory]
    [InlineData("Parabola", "--rate -1", "--rate", "-1")]
    [InlineData("ToyRegression", "--rate -1", "--rate", "-1")]
    [InlineData("Parabola", "--rate=0", "--rate", "0")]
    [InlineData("ToyRegression", "--rate=abc", "--rate", "abc")]
    [InlineData("Parabola", "--steps 0", "--steps", "0")]
    [InlineData("Parabola", "--steps=1000001", "--steps", "1000001")]
    [InlineData("ToyRegression", "--epochs -5", "--epochs", "-5")]
    [InlineData("ToyRegression", "--epochs=2.5", "--epochs", "2.5")]
    [InlineData("Parabola", "--plot steps.txt", "--plot", "steps.txt")]
    [InlineData("ToyRegression", "--plot=fit.jpg", "--plot", "fit.jpg")]
    public void Bad_option_value_exits_with_code_2_and_names_the_option_and_the_value(string sample, string commandLine, string option, string value)
    {
        AppRun run = RunApp(sample, commandLine);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"invalid value '{value}' for option '{option}'", run.Error, StringComparison.Ordinal);
        Assert.Contains("usage: " + sample, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("Parabola", "--epochs 5", "unknown argument '--epochs'")]
    [InlineData("ToyRegression", "--steps 5", "unknown argument '--steps'")]
    [InlineData("Parabola", "--rate", "option '--rate' needs a value")]
    [InlineData("ToyRegression", "--epochs", "option '--epochs' needs a value")]
    public void Unknown_option_or_missing_value_exits_with_code_2(string sample, string commandLine, string message)
    {
        AppRun run = RunApp(sample, commandLine);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: " + message, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("Parabola", "usage: Parabola [--steps N] [--rate R] [--plot FILE.png]   (defaults: --steps 20 --rate 0.1)")]
    [InlineData("ToyRegression", "usage: ToyRegression [--epochs N] [--rate R] [--plot FILE.png]   (defaults: --epochs 2000 --rate 0.1)")]
    public void Help_exits_with_code_0_and_prints_the_usage(string sample, string usage)
    {
        AppRun run = RunApp(sample, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(usage + "\n", run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Options_written_as_name_equals_value_are_accepted()
    {
        AppRun parabola = RunApp("Parabola", "--steps=5 --rate=0.2");
        AppRun regression = RunApp("ToyRegression", "--epochs=10 --rate 0.5");

        Assert.Equal(0, parabola.ExitCode);
        Assert.Contains("learning rate 0.2, 5 steps", parabola.Output, StringComparison.Ordinal);
        Assert.Equal(0, regression.ExitCode);
        Assert.Contains("Training: 10 epochs, learning rate 0.5", regression.Output, StringComparison.Ordinal);
    }
}
