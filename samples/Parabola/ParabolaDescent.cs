using System;
using System.Collections.Generic;
using System.IO;
using static System.FormattableString;

namespace ParabolaSample;

/// <summary>One row of the parabola table: the point before the step's update and f, f' there.</summary>
public sealed record ParabolaStep(int Step, double X, double Value, double Derivative);

/// <summary>One row of the bowl table: the point before the step's update and z, ∇z there.</summary>
public sealed record BowlStep(int Step, double X, double Y, double Z, double DzDx, double DzDy);

/// <summary>The rows of a run on the parabola (row 0 is the start, the last row the point after all steps).</summary>
/// <param name="Steps">Rows 0 to the number of steps.</param>
/// <param name="MaxDerivativeError">The largest |f'(x) − 2x| over all rows, where f'(x) is the generated derivative.</param>
public sealed record ParabolaResult(IReadOnlyList<ParabolaStep> Steps, double MaxDerivativeError)
{
    /// <summary>The last row: where gradient descent ended.</summary>
    public ParabolaStep Final => Steps[^1];
}

/// <summary>The rows of a run on the bowl (row 0 is the start, the last row the point after all steps).</summary>
/// <param name="Steps">Rows 0 to the number of steps.</param>
/// <param name="MaxGradientError">The largest |∂z/∂x − 2x| or |∂z/∂y − 2y| over all rows, from the generated gradient.</param>
public sealed record BowlResult(IReadOnlyList<BowlStep> Steps, double MaxGradientError)
{
    /// <summary>The last row: where gradient descent ended.</summary>
    public BowlStep Final => Steps[^1];
}

/// <summary>Both runs of the sample.</summary>
public sealed record ParabolaDemoResult(ParabolaResult Parabola, BowlResult Bowl);

/// <summary>Gradient descent with the gradients that AutoDiffGen generated for <see cref="ParabolaFunctions"/>.</summary>
public static class ParabolaDescent
{
    /// <summary>Where descent on the parabola starts.</summary>
    public const double ParabolaStartX = 3.0;

    /// <summary>The x coordinate where descent on the bowl starts.</summary>
    public const double BowlStartX = 3.0;

    /// <summary>The y coordinate where descent on the bowl starts.</summary>
    public const double BowlStartY = -4.0;

    /// <summary>Runs both descents from the default starting points and prints their tables to <paramref name="output"/>.</summary>
    public static ParabolaDemoResult Run(TextWriter output, int steps, double rate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ParabolaResult parabola = RunParabola(output, ParabolaStartX, steps, rate);
        output.WriteLine();
        BowlResult bowl = RunBowl(output, BowlStartX, BowlStartY, steps, rate);
        return new ParabolaDemoResult(parabola, bowl);
    }

    /// <summary>Minimizes f(x) = x² from <paramref name="startX"/>: x ← x − rate · f'(x), <paramref name="steps"/> times.</summary>
    public static ParabolaResult RunParabola(TextWriter output, double startX, int steps, double rate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);

        output.WriteLine(Invariant($"Gradient descent on f(x) = x^2 from x = {startX}, learning rate {rate}, {steps} steps"));
        output.WriteLine("f'(x) comes from the generated ParabolaFunctions.FGradient; the exact derivative is 2x.");
        output.WriteLine();
        output.WriteLine(Invariant($"{"step",5}  {"x",14}  {"f(x)",14}  {"f'(x)",14}"));
        output.WriteLine(new string('-', 5 + 3 * 16));

        var rows = new List<ParabolaStep>(steps + 1);
        double maxError = 0.0;
        double x = startX;
        for (int step = 0; ; step++)
        {
            double value = ParabolaFunctions.FGradient(x, out double derivative);
            maxError = Math.Max(maxError, Math.Abs(derivative - 2.0 * x));
            rows.Add(new ParabolaStep(step, x, value, derivative));
            output.WriteLine(Invariant($"{step,5}  {x,14:F8}  {value,14:F8}  {derivative,14:F8}"));
            if (step == steps)
            {
                break;
            }
            x -= rate * derivative;
        }

        output.WriteLine();
        output.WriteLine(Invariant($"After {steps} steps: x = {x:F8}, f(x) = {rows[^1].Value:F8} (the minimum is f(0) = 0)."));
        output.WriteLine(Invariant($"Largest |f'(x) - 2x| over all steps: {maxError:G3}"));
        return new ParabolaResult(rows, maxError);
    }

    /// <summary>
    /// Minimizes z = x² + y² from (<paramref name="startX"/>, <paramref name="startY"/>):
    /// (x, y) ← (x, y) − rate · ∇z, <paramref name="steps"/> times.
    /// </summary>
    public static BowlResult RunBowl(TextWriter output, double startX, double startY, int steps, double rate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);

        output.WriteLine(Invariant($"Gradient descent on the bowl z = x^2 + y^2 from (x, y) = ({startX}, {startY}), learning rate {rate}, {steps} steps"));
        output.WriteLine("(dz/dx, dz/dy) comes from the generated ParabolaFunctions.BowlGradient; the exact gradient is (2x, 2y).");
        output.WriteLine();
        output.WriteLine(Invariant($"{"step",5}  {"x",12}  {"y",12}  {"z",12}  {"dz/dx",12}  {"dz/dy",12}"));
        output.WriteLine(new string('-', 5 + 5 * 14));

        var rows = new List<BowlStep>(steps + 1);
        double maxError = 0.0;
        double x = startX;
        double y = startY;
        for (int step = 0; ; step++)
        {
            double z = ParabolaFunctions.BowlGradient(x, y, out double dzdx, out double dzdy);
            maxError = Math.Max(maxError, Math.Max(Math.Abs(dzdx - 2.0 * x), Math.Abs(dzdy - 2.0 * y)));
            rows.Add(new BowlStep(step, x, y, z, dzdx, dzdy));
            output.WriteLine(Invariant($"{step,5}  {x,12:F6}  {y,12:F6}  {z,12:F6}  {dzdx,12:F6}  {dzdy,12:F6}"));
            if (step == steps)
            {
                break;
            }
            x -= rate * dzdx;
            y -= rate * dzdy;
        }

        output.WriteLine();
        output.WriteLine(Invariant($"After {steps} steps: (x, y) = ({x:F6}, {y:F6}), z = {rows[^1].Z:F6} (the minimum is z(0, 0) = 0)."));
        output.WriteLine(Invariant($"The generated gradient equals (2x, 2y) at every step: largest difference {maxError:G3}."));
        return new BowlResult(rows, maxError);
    }
}
