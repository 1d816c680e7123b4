/*
 * Runs SPIR-V compute dispatches and instanced draws on a Vulkan device (in the tests: Mesa's
 * lavapipe, Vulkan on the CPU) and dumps buffers and the colour and depth targets afterwards, so
 * that the engine plugins' HLSL shaders, compiled by glslang, can be executed where no GPU
 * exists: the draw passes, whose pictures are compared with the server's reference renderer
 * (tests/test_unity_splat_draw_gpu.py, tests/test_unreal_splat_draw_gpu.py), and the Unity sort
 * kernels, whose keys and order are compared with the core's (tests/test_unity_splat_sort_gpu.py).
 * Bindings name a descriptor set, since each stage of a draw is compiled alone and gets a set of
 * its own. tests/splat_draw/host.py writes the plans.
 *
 *   draw_host PLAN
 *
 * The plan, one directive a line:
 *   buffer NAME BYTES [FILE]              a buffer, zero-filled or read from FILE
 *   target WIDTH HEIGHT FORMAT R G B A    the colour target (rgba8, rgba8_srgb, rgba16f, rgba32f),
 *                                         cleared to R G B A (floats, linear for rgba8_srgb)
 *   image NAME FORMAT R G B A             another colour image of the target's size (after the
 *                                         target line), cleared likewise; "target" names the target
 *   depth CLEAR                           a D32_SFLOAT depth target cleared to CLEAR
 *   dispatch FILE.spv ENTRY GX [GY GZ]    a compute dispatch; the lines up to "end" describe it
 *   draw VS.spv VSENTRY FS.spv FSENTRY VERTICES INSTANCES
 *   draw VS.spv VSENTRY FS.spv FSENTRY indirect NAME
 *                                         a triangle-list draw without vertex streams (instanced,
 *                                         or with the arguments held in buffer NAME at offset 0);
 *                                         the lines up to "end" describe it:
 *     uniform SET BINDING HEX             a uniform buffer holding these bytes
 *     storage SET BINDING NAME            a storage buffer
 *     texel SET BINDING NAME              a storage texel buffer of R32_UINT (RWBuffer<uint>)
 *     sampled SET BINDING NAME            a uniform texel buffer of R32_UINT (Buffer<uint>)
 *     texture SET BINDING IMAGE           a colour image as a sampled image (Texture2D, read with
 *                                         Load): drawn earlier in the plan, read here
 *     into IMAGE                          the colour image drawn into (default: target)
 *     blend CSRC CDST ASRC ADST | blend off
 *                                         factors: zero one src_alpha one_minus_src_alpha
 *                                         dst_alpha one_minus_dst_alpha (operation: add)
 *     colorwrite 0|1                      0: the colour target is not written (depth-only shaders)
 *     depthtest OP WRITE | depthtest off  OP: never less equal less_equal greater not_equal
 *                                         greater_equal always; WRITE 0 or 1
 *     viewport up|down                    up (default): a negative-height viewport, so that NDC
 *                                         y = +1 is the first row, as in Direct3D; down: Vulkan's
 *   end
 *   dump NAME FILE                        a buffer, after everything has run
 *   dumptarget FILE                       the colour target's texels, rows top first
 *   dumpimage IMAGE FILE                  a colour image's texels, rows top first
 *   dumpdepth FILE                        the depth target's floats, rows top first
 * Commands run in order, each behind a full memory barrier. Exit status 0 on success, 1 on a bad
 * plan or a Vulkan error, 3 when no Vulkan device is available.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define MAX_BUFFERS 64
#define MAX_COMMANDS 64
#define MAX_BINDINGS 16
#define MAX_SETS 4
#define MAX_DUMPS 32
#define MAX_IMAGES 8

typedef struct {
    char name[64];
    VkDeviceSize size;
    VkBuffer buffer;
    VkDeviceMemory memory;
    void *mapped;
    VkBufferView storage_view;
    VkBufferView uniform_view;
} Buffer;

typedef struct {
    uint32_t set;
    uint32_t binding;
    VkDescriptorType type;
    int buffer;
    int image; /* for a sampled image */
} Binding;

typedef struct {
    int is_draw;
    char spirv[2][512];
    char entry[2][128];
    uint32_t groups[3];
    uint32_t vertices, instances;
    int indirect; /* buffer index, or -1 */
    Binding bindings[MAX_BINDINGS];
    int binding_count;
    int blend;
    VkBlendFactor factors[4];
    int color_write;
    int depth_test;
    VkCompareOp depth_op;
    int depth_write;
    int viewport_up;
    int into; /* the colour image drawn into */
    VkRenderPass pass;
    VkFramebuffer framebuffer;
    VkPipeline pipeline;
    VkPipelineLayout layout;
    VkDescriptorSetLayout set_layouts[MAX_SETS];
    uint32_t set_count;
    VkDescriptorSet sets[MAX_SETS];
} Command;

typedef struct {
    VkImage image;
    VkDeviceMemory memory;
    VkImageView view;
    VkFormat format;
    uint32_t texel_bytes;
    char name[64];
    VkClearColorValue clear;
} Image;

static VkDevice device;
static VkPhysicalDevice physical;
static Buffer buffers[MAX_BUFFERS];
static int buffer_count;
static Command commands[MAX_COMMANDS];
static int command_count;
/* Colour images: images[0] is the target. */
static Image images[MAX_IMAGES];
static int image_count;

static void fail(const char *what, VkResult result) {
    fprintf(stderr, "draw_host: %s (VkResult %d)\n", what, (int)result);
    exit(1);
}

static void bad_plan(const char *what, const char *line) {
    fprintf(stderr, "draw_host: %s: %s", what, line);
    exit(1);
}

#define CHECK(call, what)                     \
    do {                                      \
        VkResult r_ = (call);                 \
        if (r_ != VK_SUCCESS) fail(what, r_); \
    } while (0)

static uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags wanted) {
    VkPhysicalDeviceMemoryProperties properties;
    vkGetPhysicalDeviceMemoryProperties(physical, &properties);
    for (uint32_t i = 0; i < properties.memoryTypeCount; i++) {
        if ((bits & (1u << i)) && (properties.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
    }
    fail("no memory of the wanted kind", VK_ERROR_UNKNOWN);
    return 0;
}

static int add_buffer(const char *name, VkDeviceSize size) {
    if (buffer_count == MAX_BUFFERS) fail("too many buffers", VK_ERROR_UNKNOWN);
    Buffer *b = &buffers[buffer_count];
    snprintf(b->name, sizeof b->name, "%s", name);
    b->size = size < 16 ? 16 : size;
    VkBufferCreateInfo info = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = b->size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
                 VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
                 VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    CHECK(vkCreateBuffer(device, &info, NULL, &b->buffer), "vkCreateBuffer");
    VkMemoryRequirements needs;
    vkGetBufferMemoryRequirements(device, b->buffer, &needs);
    VkMemoryAllocateInfo allocate = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocate.allocationSize = needs.size;
    allocate.memoryTypeIndex = memory_type(needs.memoryTypeBits,
                                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    CHECK(vkAllocateMemory(device, &allocate, NULL, &b->memory), "vkAllocateMemory");
    CHECK(vkBindBufferMemory(device, b->buffer, b->memory, 0), "vkBindBufferMemory");
    CHECK(vkMapMemory(device, b->memory, 0, VK_WHOLE_SIZE, 0, &b->mapped), "vkMapMemory");
    memset(b->mapped, 0, b->size);
    return buffer_count++;
}

static int find_buffer(const char *name) {
    for (int i = 0; i < buffer_count; i++) {
        if (strcmp(buffers[i].name, name) == 0) return i;
    }
    fprintf(stderr, "draw_host: no buffer named %s\n", name);
    exit(1);
}

static void *read_whole(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "draw_host: cannot read %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc(length > 0 ? (size_t)length : 1);
    if (fread(data, 1, (size_t)length, f) != (size_t)length) {
        fprintf(stderr, "draw_host: short read of %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = (size_t)length;
    return data;
}

static void write_whole(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size) {
        fprintf(stderr, "draw_host: cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static VkShaderModule shader_module(const char *path) {
    size_t size;
    void *code = read_whole(path, &size);
    VkShaderModuleCreateInfo info = {VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    info.codeSize = size;
    info.pCode = code;
    VkShaderModule module;
    CHECK(vkCreateShaderModule(device, &info, NULL, &module), "vkCreateShaderModule");
    free(code);
    return module;
}

static VkBlendFactor blend_factor(const char *name, const char *line) {
    static const struct {
        const char *name;
        VkBlendFactor factor;
    } known[] = {
        {"zero", VK_BLEND_FACTOR_ZERO},
        {"one", VK_BLEND_FACTOR_ONE},
        {"src_alpha", VK_BLEND_FACTOR_SRC_ALPHA},
        {"one_minus_src_alpha", VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA},
        {"dst_alpha", VK_BLEND_FACTOR_DST_ALPHA},
        {"one_minus_dst_alpha", VK_BLEND_FACTOR_ONE_MINUS_DST_ALPHA},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(known[i].name, name) == 0) return known[i].factor;
    }
    bad_plan("unknown blend factor", line);
    return VK_BLEND_FACTOR_ZERO;
}

static VkCompareOp compare_op(const char *name, const char *line) {
    static const char *names[] = {"never", "less", "equal", "less_equal", "greater", "not_equal", "greater_equal", "always"};
    for (int i = 0; i < 8; i++) {
        if (strcmp(names[i], name) == 0) return (VkCompareOp)i;
    }
    bad_plan("unknown depth comparison", line);
    return VK_COMPARE_OP_ALWAYS;
}

static VkBufferView texel_view(Buffer *b, int uniform) {
    VkBufferView *view = uniform ? &b->uniform_view : &b->storage_view;
    if (*view == VK_NULL_HANDLE) {
        VkBufferViewCreateInfo info = {VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
        info.buffer = b->buffer;
        info.format = VK_FORMAT_R32_UINT;
        info.range = VK_WHOLE_SIZE;
        CHECK(vkCreateBufferView(device, &info, NULL, view), "vkCreateBufferView");
    }
    return *view;
}

/* Descriptor set layouts, sets and the pipeline layout of a command's bindings. */
static void build_descriptors(Command *c) {
    VkShaderStageFlags stages = c->is_draw ? VK_SHADER_STAGE_ALL_GRAPHICS : VK_SHADER_STAGE_COMPUTE_BIT;
    c->set_count = 0;
    for (int i = 0; i < c->binding_count; i++) {
        if (c->bindings[i].set >= MAX_SETS) fail("descriptor set number too large", VK_ERROR_UNKNOWN);
        if (c->bindings[i].set + 1 > c->set_count) c->set_count = c->bindings[i].set + 1;
    }
    VkDescriptorPoolSize sizes[MAX_BINDINGS];
    for (uint32_t s = 0; s < c->set_count; s++) {
        VkDescriptorSetLayoutBinding layout_bindings[MAX_BINDINGS];
        uint32_t n = 0;
        for (int i = 0; i < c->binding_count; i++) {
            if (c->bindings[i].set != s) continue;
            VkDescriptorSetLayoutBinding b = {0};
            b.binding = c->bindings[i].binding;
            b.descriptorType = c->bindings[i].type;
            b.descriptorCount = 1;
            b.stageFlags = stages;
            layout_bindings[n++] = b;
        }
        VkDescriptorSetLayoutCreateInfo info = {VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
        info.bindingCount = n;
        info.pBindings = layout_bindings;
        CHECK(vkCreateDescriptorSetLayout(device, &info, NULL, &c->set_layouts[s]), "vkCreateDescriptorSetLayout");
    }
    VkPipelineLayoutCreateInfo layout_info = {VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout_info.setLayoutCount = c->set_count;
    layout_info.pSetLayouts = c->set_layouts;
    CHECK(vkCreatePipelineLayout(device, &layout_info, NULL, &c->layout), "vkCreatePipelineLayout");
    if (c->set_count == 0) return;

    for (int i = 0; i < c->binding_count; i++) {
        sizes[i].type = c->bindings[i].type;
        sizes[i].descriptorCount = 1;
    }
    VkDescriptorPoolCreateInfo pool_info = {VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool_info.maxSets = c->set_count;
    pool_info.poolSizeCount = (uint32_t)(c->binding_count > 0 ? c->binding_count : 1);
    if (c->binding_count == 0) {
        sizes[0].type = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
        sizes[0].descriptorCount = 1;
    }
    pool_info.pPoolSizes = sizes;
    VkDescriptorPool pool;
    CHECK(vkCreateDescriptorPool(device, &pool_info, NULL, &pool), "vkCreateDescriptorPool");
    VkDescriptorSetAllocateInfo allocate = {VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    allocate.descriptorPool = pool;
    allocate.descriptorSetCount = c->set_count;
    allocate.pSetLayouts = c->set_layouts;
    CHECK(vkAllocateDescriptorSets(device, &allocate, c->sets), "vkAllocateDescriptorSets");
    for (int i = 0; i < c->binding_count; i++) {
        VkWriteDescriptorSet write = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        write.dstSet = c->sets[c->bindings[i].set];
        write.dstBinding = c->bindings[i].binding;
        write.descriptorCount = 1;
        write.descriptorType = c->bindings[i].type;
        if (c->bindings[i].type == VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE) {
            /* Colour images stay in the general layout: drawn into and read alike. */
            VkDescriptorImageInfo image_info = {VK_NULL_HANDLE, images[c->bindings[i].image].view, VK_IMAGE_LAYOUT_GENERAL};
            write.pImageInfo = &image_info;
            vkUpdateDescriptorSets(device, 1, &write, 0, NULL);
            continue;
        }
        Buffer *b = &buffers[c->bindings[i].buffer];
        VkDescriptorBufferInfo info = {b->buffer, 0, VK_WHOLE_SIZE};
        VkBufferView view;
        if (c->bindings[i].type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER ||
            c->bindings[i].type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER) {
            view = texel_view(b, c->bindings[i].type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER);
            write.pTexelBufferView = &view;
        } else {
            write.pBufferInfo = &info;
        }
        vkUpdateDescriptorSets(device, 1, &write, 0, NULL);
    }
}

static void build_compute(Command *c) {
    build_descriptors(c);
    VkShaderModule module = shader_module(c->spirv[0]);
    VkComputePipelineCreateInfo pipeline = {VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipeline.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipeline.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeline.stage.module = module;
    pipeline.stage.pName = c->entry[0];
    pipeline.layout = c->layout;
    CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipeline, NULL, &c->pipeline), "vkCreateComputePipelines");
}

static void build_draw(Command *c, VkRenderPass pass, uint32_t width, uint32_t height) {
    build_descriptors(c);
    VkPipelineShaderStageCreateInfo stages[2];
    for (int s = 0; s < 2; s++) {
        VkPipelineShaderStageCreateInfo stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
        stage.stage = s == 0 ? VK_SHADER_STAGE_VERTEX_BIT : VK_SHADER_STAGE_FRAGMENT_BIT;
        stage.module = shader_module(c->spirv[s]);
        stage.pName = c->entry[s];
        stages[s] = stage;
    }
    VkPipelineVertexInputStateCreateInfo vertex_input = {VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    VkPipelineInputAssemblyStateCreateInfo assembly = {VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkViewport viewport = {0, 0, (float)width, (float)height, 0, 1};
    if (c->viewport_up) {
        /* VK_KHR_maintenance1 (core in 1.1): y from height down to 0, so NDC +1 is row 0. */
        viewport.y = (float)height;
        viewport.height = -(float)height;
    }
    VkRect2D scissor = {{0, 0}, {width, height}};
    VkPipelineViewportStateCreateInfo viewport_state = {VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    viewport_state.viewportCount = 1;
    viewport_state.pViewports = &viewport;
    viewport_state.scissorCount = 1;
    viewport_state.pScissors = &scissor;
    VkPipelineRasterizationStateCreateInfo raster = {VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    raster.polygonMode = VK_POLYGON_MODE_FILL;
    raster.cullMode = VK_CULL_MODE_NONE;
    raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
    raster.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo multisample = {VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
    VkPipelineDepthStencilStateCreateInfo depth = {VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
    depth.depthTestEnable = c->depth_test ? VK_TRUE : VK_FALSE;
    depth.depthWriteEnable = c->depth_test && c->depth_write ? VK_TRUE : VK_FALSE;
    depth.depthCompareOp = c->depth_op;
    VkPipelineColorBlendAttachmentState attachment = {0};
    attachment.blendEnable = c->blend ? VK_TRUE : VK_FALSE;
    attachment.srcColorBlendFactor = c->factors[0];
    attachment.dstColorBlendFactor = c->factors[1];
    attachment.colorBlendOp = VK_BLEND_OP_ADD;
    attachment.srcAlphaBlendFactor = c->factors[2];
    attachment.dstAlphaBlendFactor = c->factors[3];
    attachment.alphaBlendOp = VK_BLEND_OP_ADD;
    attachment.colorWriteMask = c->color_write ? (VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                                  VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT)
                                               : 0;
    VkPipelineColorBlendStateCreateInfo blend = {VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    blend.attachmentCount = 1;
    blend.pAttachments = &attachment;
    VkGraphicsPipelineCreateInfo info = {VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.stageCount = 2;
    info.pStages = stages;
    info.pVertexInputState = &vertex_input;
    info.pInputAssemblyState = &assembly;
    info.pViewportState = &viewport_state;
    info.pRasterizationState = &raster;
    info.pMultisampleState = &multisample;
    info.pDepthStencilState = &depth;
    info.pColorBlendState = &blend;
    info.layout = c->layout;
    info.renderPass = pass;
    CHECK(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, NULL, &c->pipeline), "vkCreateGraphicsPipelines");
}

static void make_image(Image *image, VkFormat format, uint32_t texel_bytes, uint32_t width, uint32_t height,
                       VkImageUsageFlags usage, VkImageAspectFlags aspect) {
    image->format = format;
    image->texel_bytes = texel_bytes;
    VkImageCreateInfo info = {VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = format;
    info.extent.width = width;
    info.extent.height = height;
    info.extent.depth = 1;
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = VK_SAMPLE_COUNT_1_BIT;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = usage | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    CHECK(vkCreateImage(device, &info, NULL, &image->image), "vkCreateImage");
    VkMemoryRequirements needs;
    vkGetImageMemoryRequirements(device, image->image, &needs);
    VkMemoryAllocateInfo allocate = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocate.allocationSize = needs.size;
    allocate.memoryTypeIndex = memory_type(needs.memoryTypeBits, 0);
    CHECK(vkAllocateMemory(device, &allocate, NULL, &image->memory), "vkAllocateMemory");
    CHECK(vkBindImageMemory(device, image->image, image->memory, 0), "vkBindImageMemory");
    VkImageViewCreateInfo view = {VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view.image = image->image;
    view.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view.format = format;
    view.subresourceRange.aspectMask = aspect;
    view.subresourceRange.levelCount = 1;
    view.subresourceRange.layerCount = 1;
    CHECK(vkCreateImageView(device, &view, NULL, &image->view), "vkCreateImageView");
}

static void image_barrier(VkCommandBuffer commands_buffer, VkImage image, VkImageAspectFlags aspect,
                          VkImageLayout from, VkImageLayout to) {
    VkImageMemoryBarrier barrier = {VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
    barrier.oldLayout = from;
    barrier.newLayout = to;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image;
    barrier.subresourceRange.aspectMask = aspect;
    barrier.subresourceRange.levelCount = 1;
    barrier.subresourceRange.layerCount = 1;
    vkCmdPipelineBarrier(commands_buffer, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0,
                         NULL, 0, NULL, 1, &barrier);
}

static int find_image(const char *name) {
    for (int i = 0; i < image_count; i++) {
        if (strcmp(images[i].name, name) == 0) return i;
    }
    fprintf(stderr, "draw_host: no image named %s\n", name);
    exit(1);
}

/* A colour image's format from its plan name: 0, or 1 for an unknown name. */
static int colour_format(const char *name, VkFormat *format, uint32_t *texel_bytes) {
    if (strcmp(name, "rgba8") == 0) *format = VK_FORMAT_R8G8B8A8_UNORM, *texel_bytes = 4;
    else if (strcmp(name, "rgba8_srgb") == 0) *format = VK_FORMAT_R8G8B8A8_SRGB, *texel_bytes = 4;
    else if (strcmp(name, "rgba16f") == 0) *format = VK_FORMAT_R16G16B16A16_SFLOAT, *texel_bytes = 8;
    else if (strcmp(name, "rgba32f") == 0) *format = VK_FORMAT_R32G32B32A32_SFLOAT, *texel_bytes = 16;
    else return 1;
    return 0;
}

static void add_binding(Command *c, const char *word, const char *line) {
    if (c->binding_count == MAX_BINDINGS) bad_plan("too many bindings", line);
    Binding *binding = &c->bindings[c->binding_count++];
    static char value[1 << 16];
    if (sscanf(line, "%*s %u %u %65535s", &binding->set, &binding->binding, value) != 3) bad_plan("bad binding line", line);
    if (strcmp(word, "uniform") == 0) {
        char name[64];
        static int uniforms;
        snprintf(name, sizeof name, "$uniform%d", uniforms++);
        size_t length = strlen(value) / 2;
        binding->buffer = add_buffer(name, length);
        uint8_t *bytes = buffers[binding->buffer].mapped;
        for (size_t i = 0; i < length; i++) {
            int hi = hex_value(value[2 * i]), lo = hex_value(value[2 * i + 1]);
            if (hi < 0 || lo < 0) bad_plan("bad hex in uniform", line);
            bytes[i] = (uint8_t)(hi * 16 + lo);
        }
        binding->type = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    } else if (strcmp(word, "texture") == 0) {
        binding->image = find_image(value);
        binding->type = VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE;
    } else {
        binding->buffer = find_buffer(value);
        if (strcmp(word, "storage") == 0) binding->type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        else if (strcmp(word, "texel") == 0) binding->type = VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
        else binding->type = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: draw_host PLAN\n");
        return 1;
    }
    VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "draw_host";
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo instance_info = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    instance_info.pApplicationInfo = &app;
    VkInstance instance;
    if (vkCreateInstance(&instance_info, NULL, &instance) != VK_SUCCESS) {
        fprintf(stderr, "draw_host: no Vulkan instance\n");
        return 3;
    }
    uint32_t count = 1;
    VkResult enumerated = vkEnumeratePhysicalDevices(instance, &count, &physical);
    if ((enumerated != VK_SUCCESS && enumerated != VK_INCOMPLETE) || count == 0) {
        fprintf(stderr, "draw_host: no Vulkan device\n");
        return 3;
    }
    VkPhysicalDeviceProperties properties;
    vkGetPhysicalDeviceProperties(physical, &properties);
    fprintf(stderr, "draw_host: device %s\n", properties.deviceName);

    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, NULL);
    VkQueueFamilyProperties family_properties[16];
    if (families > 16) families = 16;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, family_properties);
    uint32_t family = UINT32_MAX;
    for (uint32_t i = 0; i < families; i++) {
        VkQueueFlags wanted = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
        if ((family_properties[i].queueFlags & wanted) == wanted) {
            family = i;
            break;
        }
    }
    if (family == UINT32_MAX) {
        fprintf(stderr, "draw_host: no graphics and compute queue\n");
        return 3;
    }
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueFamilyIndex = family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    CHECK(vkCreateDevice(physical, &device_info, NULL, &device), "vkCreateDevice");
    VkQueue queue;
    vkGetDeviceQueue(device, family, 0, &queue);

    FILE *plan = fopen(argv[1], "r");
    if (!plan) {
        fprintf(stderr, "draw_host: cannot read %s\n", argv[1]);
        return 1;
    }
    static char line[1 << 17];
    char dumps[MAX_DUMPS][2][512];
    int dump_count = 0;
    char target_dump[512] = "", depth_dump[512] = "";
    uint32_t width = 0, height = 0;
    VkFormat target_format = VK_FORMAT_UNDEFINED;
    char image_dumps[MAX_IMAGES][512];
    int image_dump_of[MAX_IMAGES];
    int image_dump_count = 0;
    int has_depth = 0;
    float depth_clear = 0;
    Command *current = NULL;
    while (fgets(line, sizeof line, plan)) {
        char word[32], a[512], b[512], c[512], d[512];
        if (sscanf(line, "%31s", word) != 1 || word[0] == '#') continue;
        if (strcmp(word, "buffer") == 0) {
            unsigned long long bytes = 0;
            int n = sscanf(line, "%*s %511s %llu %511s", a, &bytes, c);
            if (n < 2) bad_plan("bad buffer line", line);
            int index = add_buffer(a, (VkDeviceSize)bytes);
            if (n == 3) {
                size_t size;
                void *data = read_whole(c, &size);
                memcpy(buffers[index].mapped, data, size < bytes ? size : (size_t)bytes);
                free(data);
            }
        } else if (strcmp(word, "target") == 0) {
            float rgba[4];
            if (sscanf(line, "%*s %u %u %511s %f %f %f %f", &width, &height, a, &rgba[0], &rgba[1], &rgba[2], &rgba[3]) != 7) {
                bad_plan("bad target line", line);
            }
            if (image_count != 0) bad_plan("one target line, before any image line", line);
            Image *target = &images[image_count++];
            snprintf(target->name, sizeof target->name, "target");
            if (colour_format(a, &target->format, &target->texel_bytes)) bad_plan("unknown target format", line);
            memcpy(target->clear.float32, rgba, sizeof rgba);
            target_format = target->format;
        } else if (strcmp(word, "image") == 0) {
            float rgba[4];
            if (image_count == 0) bad_plan("an image line before the target line", line);
            if (image_count == MAX_IMAGES) bad_plan("too many images", line);
            if (sscanf(line, "%*s %63s %511s %f %f %f %f", b, a, &rgba[0], &rgba[1], &rgba[2], &rgba[3]) != 6) {
                bad_plan("bad image line", line);
            }
            Image *image = &images[image_count++];
            snprintf(image->name, sizeof image->name, "%s", b);
            if (colour_format(a, &image->format, &image->texel_bytes)) bad_plan("unknown image format", line);
            memcpy(image->clear.float32, rgba, sizeof rgba);
        } else if (strcmp(word, "into") == 0) {
            if (!current || !current->is_draw || sscanf(line, "%*s %511s", a) != 1) bad_plan("bad into line", line);
            current->into = find_image(a);
        } else if (strcmp(word, "depth") == 0) {
            if (sscanf(line, "%*s %f", &depth_clear) != 1) bad_plan("bad depth line", line);
            has_depth = 1;
        } else if (strcmp(word, "dispatch") == 0 || strcmp(word, "draw") == 0) {
            if (command_count == MAX_COMMANDS) bad_plan("too many commands", line);
            current = &commands[command_count++];
            memset(current, 0, sizeof *current);
            current->indirect = -1;
            current->color_write = 1;
            current->viewport_up = 1;
            current->depth_op = VK_COMPARE_OP_ALWAYS;
            if (word[1] == 'i') {
                current->groups[1] = current->groups[2] = 1;
                int n = sscanf(line, "%*s %511s %127s %u %u %u", current->spirv[0], current->entry[0], &current->groups[0],
                               &current->groups[1], &current->groups[2]);
                if (n != 3 && n != 5) bad_plan("bad dispatch line", line);
            } else {
                current->is_draw = 1;
                int n = sscanf(line, "%*s %511s %127s %511s %127s %511s %511s", current->spirv[0], current->entry[0],
                               current->spirv[1], current->entry[1], a, b);
                if (n != 6) bad_plan("bad draw line", line);
                if (strcmp(a, "indirect") == 0) {
                    current->indirect = find_buffer(b);
                } else {
                    current->vertices = (uint32_t)strtoul(a, NULL, 10);
                    current->instances = (uint32_t)strtoul(b, NULL, 10);
                }
            }
        } else if (strcmp(word, "uniform") == 0 || strcmp(word, "storage") == 0 || strcmp(word, "texel") == 0 ||
                   strcmp(word, "sampled") == 0 || strcmp(word, "texture") == 0) {
            if (!current) bad_plan("binding outside a command", line);
            add_binding(current, word, line);
        } else if (strcmp(word, "blend") == 0) {
            if (!current || !current->is_draw) bad_plan("blend outside a draw", line);
            int n = sscanf(line, "%*s %511s %511s %511s %511s", a, b, c, d);
            if (n == 1 && strcmp(a, "off") == 0) {
                current->blend = 0;
            } else if (n == 4) {
                current->blend = 1;
                current->factors[0] = blend_factor(a, line);
                current->factors[1] = blend_factor(b, line);
                current->factors[2] = blend_factor(c, line);
                current->factors[3] = blend_factor(d, line);
            } else {
                bad_plan("bad blend line", line);
            }
        } else if (strcmp(word, "colorwrite") == 0) {
            if (!current || !current->is_draw || sscanf(line, "%*s %d", &current->color_write) != 1) bad_plan("bad colorwrite line", line);
        } else if (strcmp(word, "depthtest") == 0) {
            if (!current || !current->is_draw) bad_plan("depthtest outside a draw", line);
            int n = sscanf(line, "%*s %511s %d", a, &current->depth_write);
            if (n == 1 && strcmp(a, "off") == 0) {
                current->depth_test = 0;
            } else if (n == 2) {
                current->depth_test = 1;
                current->depth_op = compare_op(a, line);
            } else {
                bad_plan("bad depthtest line", line);
            }
        } else if (strcmp(word, "viewport") == 0) {
            if (!current || !current->is_draw || sscanf(line, "%*s %511s", a) != 1) bad_plan("bad viewport line", line);
            if (strcmp(a, "up") == 0) current->viewport_up = 1;
            else if (strcmp(a, "down") == 0) current->viewport_up = 0;
            else bad_plan("viewport is up or down", line);
        } else if (strcmp(word, "end") == 0) {
            current = NULL;
        } else if (strcmp(word, "dump") == 0) {
            if (dump_count == MAX_DUMPS || sscanf(line, "%*s %511s %511s", dumps[dump_count][0], dumps[dump_count][1]) != 2) {
                bad_plan("bad dump line", line);
            }
            dump_count++;
        } else if (strcmp(word, "dumptarget") == 0) {
            if (sscanf(line, "%*s %511s", target_dump) != 1) bad_plan("bad dumptarget line", line);
        } else if (strcmp(word, "dumpimage") == 0) {
            if (image_dump_count == MAX_IMAGES || sscanf(line, "%*s %511s %511s", a, image_dumps[image_dump_count]) != 2) {
                bad_plan("bad dumpimage line", line);
            }
            image_dump_of[image_dump_count++] = find_image(a);
        } else if (strcmp(word, "dumpdepth") == 0) {
            if (sscanf(line, "%*s %511s", depth_dump) != 1) bad_plan("bad dumpdepth line", line);
        } else {
            fprintf(stderr, "draw_host: unknown directive %s\n", word);
            return 1;
        }
    }
    fclose(plan);

    int draws = 0;
    for (int i = 0; i < command_count; i++) draws += commands[i].is_draw;
    if ((draws || target_dump[0]) && target_format == VK_FORMAT_UNDEFINED) bad_plan("draws need a target line", "\n");
    if (depth_dump[0] && !has_depth) bad_plan("dumpdepth needs a depth line", "\n");

    Image depth = {0};
    for (int i = 0; i < image_count; i++) {
        Image *image = &images[i];
        VkFormatProperties format_properties;
        vkGetPhysicalDeviceFormatProperties(physical, image->format, &format_properties);
        VkFormatFeatureFlags needed = VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT | VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BLEND_BIT |
                                      VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
        if ((format_properties.optimalTilingFeatures & needed) != needed) fail("an image format cannot be blended into", VK_ERROR_FORMAT_NOT_SUPPORTED);
        make_image(image, image->format, image->texel_bytes, width, height,
                   VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT, VK_IMAGE_ASPECT_COLOR_BIT);
    }
    if (has_depth && image_count > 0) {
        make_image(&depth, VK_FORMAT_D32_SFLOAT, 4, width, height, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
                   VK_IMAGE_ASPECT_DEPTH_BIT);
    }
    for (int i = 0; i < command_count; i++) {
        Command *c = &commands[i];
        if (!c->is_draw) {
            build_compute(c);
            continue;
        }
        /* A pass for the draw's colour image (and the depth target): load what is there, keep
         * what is drawn. Colour images stay in the general layout, so a later draw can read one. */
        VkAttachmentDescription attachments[2] = {{0}, {0}};
        attachments[0].format = images[c->into].format;
        attachments[0].samples = VK_SAMPLE_COUNT_1_BIT;
        attachments[0].loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
        attachments[0].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
        attachments[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
        attachments[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
        attachments[0].initialLayout = VK_IMAGE_LAYOUT_GENERAL;
        attachments[0].finalLayout = VK_IMAGE_LAYOUT_GENERAL;
        attachments[1] = attachments[0];
        attachments[1].format = VK_FORMAT_D32_SFLOAT;
        attachments[1].initialLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
        attachments[1].finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
        VkAttachmentReference colour_ref = {0, VK_IMAGE_LAYOUT_GENERAL};
        VkAttachmentReference depth_ref = {1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
        VkSubpassDescription subpass = {0};
        subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
        subpass.colorAttachmentCount = 1;
        subpass.pColorAttachments = &colour_ref;
        subpass.pDepthStencilAttachment = has_depth ? &depth_ref : NULL;
        VkRenderPassCreateInfo pass_info = {VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
        pass_info.attachmentCount = has_depth ? 2 : 1;
        pass_info.pAttachments = attachments;
        pass_info.subpassCount = 1;
        pass_info.pSubpasses = &subpass;
        CHECK(vkCreateRenderPass(device, &pass_info, NULL, &c->pass), "vkCreateRenderPass");
        VkImageView views[2] = {images[c->into].view, depth.view};
        VkFramebufferCreateInfo framebuffer_info = {VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
        framebuffer_info.renderPass = c->pass;
        framebuffer_info.attachmentCount = has_depth ? 2 : 1;
        framebuffer_info.pAttachments = views;
        framebuffer_info.width = width;
        framebuffer_info.height = height;
        framebuffer_info.layers = 1;
        CHECK(vkCreateFramebuffer(device, &framebuffer_info, NULL, &c->framebuffer), "vkCreateFramebuffer");
        build_draw(c, c->pass, width, height);
    }

    VkCommandPoolCreateInfo pool_info = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.queueFamilyIndex = family;
    VkCommandPool pool;
    CHECK(vkCreateCommandPool(device, &pool_info, NULL, &pool), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo allocate = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = pool;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 1;
    VkCommandBuffer cmd;
    CHECK(vkAllocateCommandBuffers(device, &allocate, &cmd), "vkAllocateCommandBuffers");
    VkCommandBufferBeginInfo begin = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    CHECK(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer");

    VkImageSubresourceRange colour_range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageSubresourceRange depth_range = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 1};
    for (int i = 0; i < image_count; i++) {
        image_barrier(cmd, images[i].image, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_GENERAL);
        vkCmdClearColorImage(cmd, images[i].image, VK_IMAGE_LAYOUT_GENERAL, &images[i].clear, 1, &colour_range);
        image_barrier(cmd, images[i].image, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_GENERAL, VK_IMAGE_LAYOUT_GENERAL);
    }
    if (image_count > 0) {
        if (has_depth) {
            VkClearDepthStencilValue clear_depth = {depth_clear, 0};
            image_barrier(cmd, depth.image, VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
            vkCmdClearDepthStencilImage(cmd, depth.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &clear_depth, 1, &depth_range);
            image_barrier(cmd, depth.image, VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                          VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL);
        }
    }
    for (int i = 0; i < command_count; i++) {
        Command *c = &commands[i];
        VkPipelineBindPoint point = c->is_draw ? VK_PIPELINE_BIND_POINT_GRAPHICS : VK_PIPELINE_BIND_POINT_COMPUTE;
        if (c->is_draw) {
            VkRenderPassBeginInfo pass_begin = {VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
            pass_begin.renderPass = c->pass;
            pass_begin.framebuffer = c->framebuffer;
            pass_begin.renderArea.extent.width = width;
            pass_begin.renderArea.extent.height = height;
            vkCmdBeginRenderPass(cmd, &pass_begin, VK_SUBPASS_CONTENTS_INLINE);
        }
        vkCmdBindPipeline(cmd, point, c->pipeline);
        if (c->set_count > 0) vkCmdBindDescriptorSets(cmd, point, c->layout, 0, c->set_count, c->sets, 0, NULL);
        if (!c->is_draw) {
            vkCmdDispatch(cmd, c->groups[0], c->groups[1], c->groups[2]);
        } else {
            if (c->indirect >= 0) vkCmdDrawIndirect(cmd, buffers[c->indirect].buffer, 0, 1, 16);
            else vkCmdDraw(cmd, c->vertices, c->instances, 0, 0);
            vkCmdEndRenderPass(cmd);
        }
        VkMemoryBarrier barrier = {VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        barrier.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
        barrier.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT | VK_PIPELINE_STAGE_HOST_BIT,
                             0, 1, &barrier, 0, NULL, 0, NULL);
    }

    int readback_depth = -1;
    /* The target's dump first, then the dumpimage lines: one readback buffer each. */
    if (target_dump[0]) {
        if (image_dump_count == MAX_IMAGES) bad_plan("too many image dumps", "\n");
        memmove(&image_dumps[1], &image_dumps[0], sizeof image_dumps[0] * (size_t)image_dump_count);
        memmove(&image_dump_of[1], &image_dump_of[0], sizeof image_dump_of[0] * (size_t)image_dump_count);
        snprintf(image_dumps[0], sizeof image_dumps[0], "%s", target_dump);
        image_dump_of[0] = 0;
        image_dump_count++;
    }
    int readback_colour[MAX_IMAGES];
    for (int i = 0; i < image_dump_count; i++) {
        Image *image = &images[image_dump_of[i]];
        readback_colour[i] = add_buffer("$image", (VkDeviceSize)width * height * image->texel_bytes);
        VkBufferImageCopy copy = {0};
        copy.imageSubresource.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
        copy.imageSubresource.layerCount = 1;
        copy.imageExtent.width = width;
        copy.imageExtent.height = height;
        copy.imageExtent.depth = 1;
        vkCmdCopyImageToBuffer(cmd, image->image, VK_IMAGE_LAYOUT_GENERAL, buffers[readback_colour[i]].buffer, 1, &copy);
    }
    if (depth_dump[0]) {
        readback_depth = add_buffer("$depth", (VkDeviceSize)width * height * 4);
        image_barrier(cmd, depth.image, VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL,
                      VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
        VkBufferImageCopy copy = {0};
        copy.imageSubresource.aspectMask = VK_IMAGE_ASPECT_DEPTH_BIT;
        copy.imageSubresource.layerCount = 1;
        copy.imageExtent.width = width;
        copy.imageExtent.height = height;
        copy.imageExtent.depth = 1;
        vkCmdCopyImageToBuffer(cmd, depth.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffers[readback_depth].buffer, 1, &copy);
    }
    VkMemoryBarrier host = {VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    host.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &host, 0, NULL, 0, NULL);
    CHECK(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
    VkSubmitInfo submit = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    CHECK(vkQueueSubmit(queue, 1, &submit, VK_NULL_HANDLE), "vkQueueSubmit");
    CHECK(vkQueueWaitIdle(queue), "vkQueueWaitIdle");

    for (int i = 0; i < dump_count; i++) {
        Buffer *b = &buffers[find_buffer(dumps[i][0])];
        write_whole(dumps[i][1], b->mapped, (size_t)b->size);
    }
    for (int i = 0; i < image_dump_count; i++) {
        write_whole(image_dumps[i], buffers[readback_colour[i]].mapped, (size_t)width * height * images[image_dump_of[i]].texel_bytes);
    }
    if (readback_depth >= 0) write_whole(depth_dump, buffers[readback_depth].mapped, (size_t)width * height * 4);
    return 0;
}
