using System.Globalization;
using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Emission;

/// <summary>Prints constants in C# syntax, always with the invariant culture (so <c>0,5</c> never reaches the output).</summary>
internal static class Literals
{
    public static string Format(double value, ScalarKind kind) => kind switch
    {
        ScalarKind.Double => Double(value),
        ScalarKind.Float => Float((float)value),
        ScalarKind.Bool => value != 0 ? "true" : "false",
        ScalarKind.Int64 => ((long)value).ToString(CultureInfo.InvariantCulture) + "L",
        _ => ((int)value).ToString(CultureInfo.InvariantCulture),
    };

    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }
        if (double.IsPositiveInfinity(value))
        {
            return "double.PositiveInfinity";
        }
        if (double.IsNegativeInfinity(value))
        {
            return "double.NegativeInfinity";
        }
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(['.', 'E', 'e']) < 0 ? text + ".0" : text;
    }

    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }
        if (float.IsPositiveInfinity(value))
        {
            return "float.PositiveInfinity";
        }
        if (float.IsNegativeInfinity(value))
        {
            return "float.NegativeInfinity";
        }
        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
