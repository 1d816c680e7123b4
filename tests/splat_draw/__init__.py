"""Executing the engine plugins' splat draw shaders on Mesa's lavapipe (Vulkan on the CPU) and
comparing their pictures with the server's reference renderer: the host program
(tests/vulkan_host/draw_host.c) and its plans, the compiled stages and their reflected bindings,
the seeded world and cameras, and the image measures."""
