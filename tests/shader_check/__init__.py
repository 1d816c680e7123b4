"""Compiles every shader entry point of both engine plugins with glslang's HLSL front end.

Neither engine exists on this machine, so the engines' include files are replaced by the
declarations in tests/shader_stubs/, and the SPIR-V that glslang makes is checked by spirv-val.
unity.py and unreal.py find what to compile from the plugins' own sources (ShaderLab pragmas, the
C++ that binds the Unreal global shaders); compile.py runs the tools on one job.
"""
