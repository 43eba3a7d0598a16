namespace AutoDiffGen.Generator.Ir;

/// <summary>The functions of System.Math and System.MathF the generator knows; each has one rule in <c>DerivativeRules</c>.</summary>
internal enum MathFunction
{
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Log,
    Log10,
    Log2,
    Sqrt,
    Cbrt,
    Pow,
    Abs,
    Max,
    Min,
    Clamp,
    FusedMultiplyAdd,
    Sign,
    Floor,
    Ceiling,
    Round,
    Truncate,
}
